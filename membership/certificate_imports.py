"""Admin import of certificates issued before MAMIS (on paper, or in the old system), from CSV,
all or nothing — so that the roster (認定医名簿), the renewal reminders and the public check know
them from the first day.

Columns (header row; UTF-8 with or without BOM, or cp932):
医籍登録番号, 制度, 認定番号, 有効期間開始, 有効期間終了
制度 is a code of membership.certifications.CERTIFIED. A dry run lists every row's errors; the
import checks again and writes nothing unless every row is good. A certificate already recorded
with the same number, holder, system and period is skipped, so importing a file twice adds
nothing; a number that another certificate already has is an error.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, fields
from .actors import Actor
from .certifications import CERTIFICATES_LOCK, CERTIFIED, add_existing, last_day_of, longest, years_of
from .db import serialise
from .errors import Forbidden
from .fields import FieldError
from .imports import physician_finder, read_rows, refuse, row_cap
from .models import Certificate

COLUMNS = ("医籍登録番号", "制度", "認定番号", "有効期間開始", "有効期間終了")
MAX_ROWS = 50000
MAX_NUMBER = 20


def check(session: Session, actor: Actor, raw: bytes) -> tuple[list[dict], list[dict]]:
    """(clean rows, problems [{line, errors: {column: (key, params)}}]); rows already recorded are
    clean and marked `known`. Admins only."""
    if actor.role != "admin":
        raise Forbidden()
    rows = read_rows(raw, COLUMNS, row_cap(session, MAX_ROWS))
    find = physician_finder(session, rows)
    recorded = {c.number: c for c in session.scalars(sa.select(Certificate).where(
        Certificate.number.in_({fields.halfwidth(r.get("認定番号")) for r in rows})))}
    seen: set[str] = set()
    clean, problems = [], []
    for line, row in zip(rows.lines, rows, strict=True):
        errors: dict[str, tuple[str, dict]] = {}
        physician_id = find(row, errors)
        system = fields.halfwidth(row.get("制度"))
        if system not in CERTIFIED:
            errors["制度"] = ("choose_from_list", {})
        number = fields.halfwidth(row.get("認定番号"))
        if not number:
            errors["認定番号"] = ("required", {})
        elif len(number) > MAX_NUMBER:
            errors["認定番号"] = ("too_long", {"max": MAX_NUMBER})
        elif number in seen:
            errors["認定番号"] = ("duplicate_in_file", {})
        seen.add(number)
        period = {}
        for column, past in (("有効期間開始", True), ("有効期間終了", False)):
            try:
                period[column] = fields.date(row.get(column), past=past)
            except FieldError as exc:
                errors[column] = (exc.key, exc.params)
        if len(period) == 2 and period["有効期間開始"] > period["有効期間終了"]:
            errors["有効期間終了"] = ("period_order", {})
        elif len(period) == 2 and system in CERTIFIED and \
                period["有効期間終了"] > last_day_of(period["有効期間開始"], longest(system)):  # 9999/12/31
            errors["有効期間終了"] = ("period_too_long", {"years": years_of(system), "longest": longest(system)})
        item = {"physician_id": physician_id, "system": system, "number": number,
                "valid_from": period.get("有効期間開始"), "valid_until": period.get("有効期間終了")}
        known = recorded.get(number)
        if known is not None and "認定番号" not in errors:
            same = (known.physician_id, known.system, known.valid_from, known.valid_until) == (
                physician_id, system, item["valid_from"], item["valid_until"])
            if not same:
                errors["認定番号"] = ("certificate_number_taken", {"value": number})
            item["known"] = same
        if errors:
            problems.append({"line": line, "errors": errors})
        else:
            clean.append({**item, "line": line})
    clean, overlapping = _without_overlaps(session, clean)
    problems = sorted(problems + overlapping, key=lambda p: p["line"])
    return [{k: v for k, v in item.items() if k != "line"} for item in clean], problems


def _without_overlaps(session: Session, rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """A physician holds one certificate of a system at a time: a new row whose period meets one
    already recorded (not revoked), or an earlier row of the file, is a problem naming it."""
    new = [r for r in rows if not r.get("known")]
    held: dict[tuple, list[tuple]] = {}
    for c in session.scalars(sa.select(Certificate).where(
            Certificate.physician_id.in_({r["physician_id"] for r in new}), Certificate.status == "active")):
        held.setdefault((c.physician_id, c.system), []).append((c.valid_from, c.valid_until, c.number))
    clean, problems = [], []
    for r in rows:
        if r.get("known"):
            clean.append(r)
            continue
        periods = held.setdefault((r["physician_id"], r["system"]), [])
        other = next((n for start, end, n in periods if start <= r["valid_until"] and r["valid_from"] <= end), None)
        if other is not None:
            problems.append({"line": r["line"], "errors": {"有効期間開始": ("certificate_overlap", {"number": other})}})
            continue
        periods.append((r["valid_from"], r["valid_until"], r["number"]))
        clean.append(r)
    return clean, problems


def import_certificates(session: Session, actor: Actor, raw: bytes) -> int:
    """Write every row or none (ValidationFailed with `problems`); returns the certificates added.
    Runs alone among certificate writes (imports and issues: see `certifications.CERTIFICATES_LOCK`),
    so that the numbers it checks as known or free stay so."""
    serialise(session, CERTIFICATES_LOCK)
    clean, problems = check(session, actor, raw)
    if problems:
        raise refuse(problems, good=len(clean))
    added = 0
    for r in clean:
        if r.get("known"):
            continue
        add_existing(session, actor, r["physician_id"], r["system"], r["number"], r["valid_from"], r["valid_until"])
        added += 1
    audit.record(session, actor, "certificate.import", "certificate", None, rows=len(clean), added=added)
    return added
