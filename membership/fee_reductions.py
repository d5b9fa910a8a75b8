"""会費減免: a member applies for a reduction of the membership fee for a fiscal year, with a reason;
each association of the chosen group reviews its part in its inbox (bottom-up, like any
application). Secretariats extract candidates from their members: who qualifies by age or by the
years since graduation is a decision table (`fee_reduction_candidates`, processes/fee_reduction),
handed in by the caller as `decide({"age": n, "years_since_graduation": n}) -> [reason codes]`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .actors import Actor
from .applications import lock_applicant, record_submission, resolve_applicant
from .errors import Forbidden, ValidationFailed
from .fields import parse_id, today_jst
from .models import Application, ApplicationPart, Membership, MembershipGroup, Physician
from .statuses import ApplicationStatus, MembershipStatus, PartAction, PartStatus

REASONS = {"age": "高齢", "graduation": "卒後5年以内", "illness": "傷病・療養", "childcare": "出産・育児",
           "other": "その他"}
#: the reasons the decision table decides from the member's own data (the others are the member's word,
#: judged by the layers on the documents)
DECIDED = ("age", "graduation")
#: the decision table: (age, years since graduation) → the reasons it gives; None where it cannot decide
Decide = Callable[[dict], list[str] | None]
MAX_NOTE = 200


def board_summaries(session: Session, application_ids: list[int]) -> dict[int, str]:
    """For each fee-reduction application among `application_ids` (one query): the fiscal year, the
    reason and the member's note, e.g. 2027年度・傷病・療養（入院のため）."""
    rows = session.execute(sa.select(Application.id, Application.payload).where(
        Application.id.in_(application_ids), Application.kind == "fee_reduction")) if application_ids else ()
    out = {}
    for app_id, payload in rows:
        payload = payload or {}
        note = f"（{payload['note']}）" if payload.get("note") else ""
        out[app_id] = f"{payload.get('fiscal_year', '')}年度・{REASONS.get(payload.get('reason'), '')}{note}"
    return out


def fiscal_year(day: dt.date) -> int:
    """The Japanese fiscal year (April to March) of a day."""
    return day.year if day.month >= 4 else day.year - 1


def file_reduction(session: Session, actor: Actor, data: dict, decide: Decide | None = None) -> Application:
    """One `certify` part per active membership of the chosen group, bottom layer first.
    Raises ValidationFailed naming the field."""
    applicant, group, active, clean = check(session, actor, data, lock=True, decide=decide)
    active.sort(key=lambda m: -m.layer)
    app = Application(kind="fee_reduction", status=ApplicationStatus.SUBMITTED.value, physician=applicant.physician,
                      applicant_user_id=applicant.id, filed_by_user_id=actor.user_id, group_id=group.id,
                      submitted_at=dt.datetime.now(dt.UTC).replace(tzinfo=None), payload=clean,
                      parts=[ApplicationPart(seq=seq, association_id=m.association_id, layer=m.layer,
                                             action=PartAction.CERTIFY.value, status=PartStatus.PENDING.value)
                             for seq, m in enumerate(active)])
    return record_submission(session, actor, applicant, app)


def pending_for(session: Session, physician_id: int, group_id: int, year: str) -> bool:
    """Whether an application for the year's reduction of the group is under review already."""
    return bool(session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.physician_id == physician_id, Application.kind == "fee_reduction",
        Application.group_id == group_id,
        Application.status.in_((ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value,
                                ApplicationStatus.RETURNED.value)),
        Application.payload["fiscal_year"].as_string() == year)))


def check(session: Session, actor: Actor, data: dict, lock: bool = False, decide: Decide | None = None) -> tuple:
    """A fee-reduction application checked whole, nothing written (the screens' 確認 step asks it):
    (applicant account, group, its active memberships, {reason, note, fiscal_year}). Raises
    ValidationFailed naming every bad field, and one already under review for the year. `lock`
    (filing): the applicant's filings are serialised first, so the check holds until the commit.
    `decide` (the decision table): a reason it decides (高齢, 卒後5年以内) that the member's own
    registered data rules out is refused, saying why; without the data, the layers judge it."""
    applicant = resolve_applicant(session, actor, data.get("on_behalf_of"))
    if lock:
        lock_applicant(session, applicant.physician_id)
    errors: dict[str, tuple[str, dict]] = {}
    reason = data.get("reason")
    if reason not in REASONS:
        errors["reason"] = ("choose_from_list", {})
    note = str(data.get("note") or "").strip()
    if reason == "other" and not note:
        errors["note"] = ("required", {})
    if len(note) > MAX_NOTE:
        errors["note"] = ("too_long", {"max": MAX_NOTE})
    this_year = fiscal_year(today_jst())
    year = str(data.get("fiscal_year") or "")
    if year not in (str(this_year), str(this_year + 1)):
        errors["fiscal_year"] = ("choose_from_list", {})
    group_id = parse_id(data.get("group_id"))
    group = session.get(MembershipGroup, group_id) if group_id is not None else None
    active = [m for m in (group.memberships if group else []) if m.status == MembershipStatus.ACTIVE.value]
    if group is None or group.physician_id != applicant.physician_id or not active:
        errors["group_id"] = ("choose_from_list", {})
    if errors:
        raise ValidationFailed(errors, context="fee_reduction")
    if pending_for(session, applicant.physician_id, group.id, year):
        raise ValidationFailed({"fiscal_year": ("reduction_pending", {})}, context="fee_reduction")
    gone = leaving_before(session, group, active, int(year))
    if gone is not None:
        raise ValidationFailed({"fiscal_year": ("reduction_after_leaving", {
            "year": year, "date": f"{gone:%Y/%m/%d}"})}, context="fee_reduction")
    if decide is not None and reason in DECIDED:
        found = standing(applicant.physician, int(year), decide)
        known = found["age"] if reason == "age" else found["years_since_graduation"]
        if known is not None and found["reasons"] is not None and reason not in found["reasons"]:
            raise ValidationFailed({"reason": (f"reduction_not_by_{reason}", {
                "reason": REASONS[reason], "year": year, "age": found["age"], "years": found["years_since_graduation"],
                "graduated": found["graduated_on"].replace("-", "/")})}, context="fee_reduction")
    return applicant, group, active, {"reason": reason, "note": note, "fiscal_year": year}


def leaving_before(session: Session, group: MembershipGroup, active: list[Membership], year: int) -> dt.date | None:
    """The day an approved withdrawal ends every active membership of the group, when that is
    before the fiscal year begins (1 April): no fee of that year to reduce. None otherwise."""
    begins = dt.date(year, 4, 1)
    for app in session.scalars(sa.select(Application).where(
            Application.group_id == group.id, Application.kind == "withdrawal",
            Application.status == ApplicationStatus.APPROVED, Application.desired_date <= begins)):
        left = {p.association_id for p in app.parts if p.action == PartAction.LEAVE and p.status == PartStatus.APPROVED}
        if {m.association_id for m in active} <= left:
            return app.desired_date
    return None


def standing(physician: Physician, year: int, decide: Decide) -> dict:
    """What the decision table makes of the member for a fiscal year, as of its first day: age,
    years since graduation (None where the data is not registered) and the reasons it gives (None
    where the table cannot decide)."""
    on = dt.date(year, 4, 1)
    age, years = _age(physician.birth_date, on), _years_since(physician.graduated_on or "", on)
    reasons = decide(table_input(age, years))
    return {"age": age, "years_since_graduation": years, "graduated_on": physician.graduated_on or "",
            "reasons": None if reasons is None else [r for r in reasons if r in DECIDED]}


def table_input(age: int | None, years: int | None) -> dict:
    """The decision table's input: data not registered reads as matching no threshold."""
    return {"age": age if age is not None else -1, "years_since_graduation": years if years is not None else 999}


def _age(birth: dt.date | None, on: dt.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _years_since(graduated_on: str, on: dt.date) -> int | None:
    try:
        year, month = (int(x) for x in graduated_on.split("-"))
    except ValueError:
        return None
    return on.year - year - (on.month < month)


@dataclass(frozen=True)
class Candidate:
    """What the 総括表 shows of a member (columns, not an entity: a national list is long)."""

    id: int
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    registry_number: str | None
    birth_date: dt.date | None
    graduated_on: str | None

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"


def candidates(session: Session, actor: Actor, decide: Callable[[dict], list[str]],
               on: dt.date | None = None) -> list[dict]:
    """The association's active members who qualify for a reduction (by the decision table),
    with their age, years since graduation and reasons — the 総括表's rows."""
    if not actor.is_secretariat:
        raise Forbidden()
    on = on or dt.date(fiscal_year(today_jst()), 4, 1)  # ages as of the fiscal year's first day
    rows = []
    # The table depends on (age, years) alone, and members share few such pairs: decide each pair
    # once (a national list has 170,000 members and a few thousand pairs).
    decided: dict[tuple[int, int], list[str]] = {}
    members = session.execute(
        sa.select(*(getattr(Physician, f.name) for f in fields(Candidate)))
        .join(Membership, Membership.physician_id == Physician.id)
        .where(Membership.association_id == actor.association_id, Membership.status == MembershipStatus.ACTIVE.value)
        .order_by(Physician.family_kana, Physician.id).distinct().execution_options(yield_per=1000))
    for physician in (Candidate(*row) for row in members):
        age, years = _age(physician.birth_date, on), _years_since(physician.graduated_on or "", on)
        data = table_input(age, years)
        key = (data["age"], data["years_since_graduation"])
        if key not in decided:
            decided[key] = decide(data)
        reasons = decided[key]
        if reasons:
            rows.append({"physician": physician, "age": age, "years_since_graduation": years, "reasons": reasons})
    return rows


def summary(rows: list[dict]) -> dict[str, int]:
    """総括表: how many candidates per reason."""
    out = {code: 0 for code in REASONS}
    for row in rows:
        for reason in row["reasons"]:
            out[reason] = out.get(reason, 0) + 1
    return out
