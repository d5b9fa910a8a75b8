"""JMA schemes held outside MAMIS — 日本医師会医師賠償責任保険 (医賠責), its 特約保険 and the
日医医師年金 —: the member's standing in each, imported from JMA's data by an administrator and
shown on My Page and to the member's offices (利用規約: ⑫ 日医医師年金の情報, ⑬ 医賠責の加入状況).

CSV columns (header row; UTF-8 with or without BOM, or cp932): 医籍登録番号, 種類, 加入状況, 加入日
種類 is a code of KINDS, 加入状況 a label of STATUSES (or its code); 加入日 may be empty. A row
replaces the physician's standing in that scheme, so importing the same file twice changes
nothing. A dry run lists every row's errors; the import writes all rows or none.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, fields
from .actors import Actor
from .db import serialise, utcnow
from .errors import Forbidden
from .fields import FieldError
from .imports import physician_finder, read_rows, refuse, row_cap
from .models import BenefitStatus

KINDS = {"liability": "日本医師会医師賠償責任保険", "liability_rider": "日医医賠責特約保険", "pension": "日医医師年金"}
STATUSES = {"enrolled": "加入", "not_enrolled": "未加入", "ended": "脱退"}
COLUMNS = ("医籍登録番号", "種類", "加入状況", "加入日")
MAX_ROWS = 50000
_STATUS_BY_LABEL = {**{label: code for code, label in STATUSES.items()}, **{code: code for code in STATUSES}}
#: a scheme by its code or by its name (JMA's files name it)
_KIND_BY_LABEL = {**{label: code for code, label in KINDS.items()}, **{code: code for code in KINDS},
                  "医賠責": "liability", "日医医賠責保険": "liability", "医師年金": "pension"}


def of_physician(session: Session, physician_id: int) -> dict[str, BenefitStatus]:
    """{kind: standing} of the schemes JMA's data knows for the physician."""
    return {b.kind: b for b in session.scalars(sa.select(BenefitStatus).where(
        BenefitStatus.physician_id == physician_id))}


def record(session: Session, physician_id: int, kind: str, status: str, since, known: BenefitStatus | None = None,
           ) -> bool:
    """Set the physician's standing in a scheme (`known`: the row already read, if any); returns
    whether anything changed."""
    if known is None:
        known = session.scalar(sa.select(BenefitStatus).where(BenefitStatus.physician_id == physician_id,
                                                              BenefitStatus.kind == kind))
    if known is None:
        session.add(BenefitStatus(physician_id=physician_id, kind=kind, status=status, since=since))
        return True
    if (known.status, known.since) == (status, since):
        return False
    known.status, known.since, known.updated_at = status, since, utcnow()
    return True


def check(session: Session, actor: Actor, raw: bytes) -> tuple[list[dict], list[dict]]:
    """(clean rows, problems [{line, errors: {column: (key, params)}}]). Admins only."""
    if actor.role != "admin":
        raise Forbidden()
    rows = read_rows(raw, COLUMNS, row_cap(session, MAX_ROWS))
    find = physician_finder(session, rows)
    seen: set[tuple[int, str]] = set()
    clean, problems = [], []
    for line, row in zip(rows.lines, rows, strict=True):
        errors: dict[str, tuple[str, dict]] = {}
        physician_id = find(row, errors)
        kind = _KIND_BY_LABEL.get(fields.halfwidth(row.get("種類")))
        if kind is None:
            errors["種類"] = ("choose_from_list", {})
        status = _STATUS_BY_LABEL.get(fields.halfwidth(row.get("加入状況")))
        if status is None:
            errors["加入状況"] = ("choose_from_list", {})
        try:
            since = fields.date(row.get("加入日"), optional=True)
        except FieldError as exc:
            errors["加入日"] = (exc.key, exc.params)
            since = None
        if physician_id is not None and (physician_id, kind) in seen:
            errors["種類"] = ("duplicate_in_file", {})
        seen.add((physician_id, kind))
        if errors:
            problems.append({"line": line, "errors": errors})
        else:
            clean.append({"physician_id": physician_id, "kind": kind, "status": status, "since": since})
    return clean, problems


def import_statuses(session: Session, actor: Actor, raw: bytes) -> int:
    """Write every row or none; returns the standings added or changed (unchanged rows count 0).
    Two imports run one after the other (each reads the standings it changes)."""
    serialise(session, "benefits.import")
    clean, problems = check(session, actor, raw)
    if problems:
        raise refuse(problems, good=len(clean))
    existing = {(b.physician_id, b.kind): b for b in session.scalars(sa.select(BenefitStatus).where(
        BenefitStatus.physician_id.in_({r["physician_id"] for r in clean})))}
    changed = sum(record(session, r["physician_id"], r["kind"], r["status"], r["since"],
                         existing.get((r["physician_id"], r["kind"]))) for r in clean)
    audit.record(session, actor, "benefit.import", "benefit_status", None, rows=len(clean), changed=changed)
    return changed
