"""Admin import of credits earned outside MAMIS (日医e-ラーニング, 日医雑誌問題解答, legacy paper
stickers 紙の単位シール, migrated data), from CSV, all or nothing.

Columns (header row; UTF-8 with or without BOM, or cp932):
医籍登録番号, 制度, 区分, 単位数, 取得日, 取得方法, 内容
制度 and 区分 are codes (membership.certifications.SYSTEMS / CATEGORIES); 取得方法 is one of
e_learning, quiz, paper, legacy. A dry run lists every row's errors; the import checks again and
writes nothing unless every row is good. A row already imported (same physician, system,
category, date, source and content) is skipped, so importing a file twice adds nothing; two such
rows in one file are two credits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, fields
from .actors import Actor
from .certifications import CATEGORIES, EARLIEST_CREDIT, SYSTEMS, add_credits
from .db import serialise
from .errors import Forbidden
from .fields import FieldError, today_jst
from .imports import physician_finder, read_rows, refuse, row_cap
from .models import CreditEntry

COLUMNS = ("医籍登録番号", "制度", "区分", "単位数", "取得日", "取得方法", "内容")
IMPORT_SOURCES = ("e_learning", "quiz", "paper", "legacy")
MAX_ROWS = 50000


def check(session: Session, actor: Actor, raw: bytes) -> tuple[list[dict], list[dict]]:
    """(clean rows, problems [{line, errors: {column: (key, params)}}]). Admins only."""
    if actor.role != "admin":
        raise Forbidden()
    rows = read_rows(raw, COLUMNS, row_cap(session, MAX_ROWS))
    find = physician_finder(session, rows)
    clean, problems = [], []
    for line, row in zip(rows.lines, rows, strict=True):
        errors: dict[str, tuple[str, dict]] = {}
        physician_id = find(row, errors)
        system = fields.halfwidth(row.get("制度"))
        category = fields.halfwidth(row.get("区分"))
        if system not in SYSTEMS:
            errors["制度"] = ("choose_from_list", {})
        elif category not in CATEGORIES[system]:
            errors["区分"] = ("choose_from_list", {})
        try:
            credits = Decimal(fields.halfwidth(row.get("単位数")))
            if not Decimal(0) < credits <= Decimal(100) or credits != credits.quantize(Decimal("0.1")):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["単位数"] = ("invalid", {})
            credits = None
        try:
            earned_on = fields.date(row.get("取得日"))
            if earned_on > today_jst():
                errors["取得日"] = ("date_not_past", {})
            elif earned_on < EARLIEST_CREDIT:  # as the ledger refuses it: the dry run must say so
                errors["取得日"] = ("date_too_early", {"min": f"{EARLIEST_CREDIT:%Y/%m/%d}"})
        except FieldError as exc:
            errors["取得日"] = (exc.key, exc.params)
            earned_on = None
        source = fields.halfwidth(row.get("取得方法"))
        if source not in IMPORT_SOURCES:
            errors["取得方法"] = ("choose_from_list", {})
        note = (row.get("内容") or "").strip()
        if len(note) > 100:
            errors["内容"] = ("too_long", {"max": 100})
        if errors:
            problems.append({"line": line, "errors": errors})
        else:
            clean.append({"physician_id": physician_id, "system": system, "category": category,
                          "credits": credits, "earned_on": earned_on, "source": source, "source_ref": note})
    return clean, problems


def import_credits(session: Session, actor: Actor, raw: bytes) -> int:
    """Write every row or none (ValidationFailed with `problems`); returns the rows added. A row
    already in the ledger is not added again — counted as many times as it is there: a file with
    two identical rows (two e-learning modules on one day) adds both, the same file imported again
    adds nothing. Two imports run one after the other, the second seeing the first's rows (a file
    imported twice at once would otherwise add every credit twice)."""
    serialise(session, "credits.import")
    clean, problems = check(session, actor, raw)
    if problems:
        raise refuse(problems, good=len(clean))
    ids = {r["physician_id"] for r in clean}
    existing = Counter((e.physician_id, e.system, e.category, e.earned_on, e.source, e.source_ref, e.credits)
                       for e in session.scalars(sa.select(CreditEntry).where(CreditEntry.physician_id.in_(ids))))
    added = 0
    for r in clean:
        key = (r["physician_id"], r["system"], r["category"], r["earned_on"], r["source"], r["source_ref"],
               r["credits"])
        if existing[key]:  # this row's copy is in the ledger already
            existing[key] -= 1
            continue
        add_credits(session, actor, r["physician_id"], r["system"], r["category"], r["credits"], r["earned_on"],
                    r["source"], r["source_ref"], "import")
        added += 1
    audit.record(session, actor, "credits.import", "credit_entry", None, rows=len(clean), added=added,
                 at=dt.datetime.now(dt.UTC).isoformat())
    return added
