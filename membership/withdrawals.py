"""Withdrawal (退会届, seed 001, SPEC §5): leave one group's associations from one layer upwards.

The cascade rule: leaving the association of layer k in a group also leaves every association
above it (layers k-1 … 1) in that group, because an upper membership needs the ones below it
(`memberships.check_group`). One group per application. Every association left reviews the
application, bottom layer first (the withdrawal process); nothing ends until every one of them
has approved, and then everything ends together at the end of the desired date (退会希望年月日),
fired by the process's timer. A rejection by any layer leaves the member exactly as before.
The member's data is kept (利用規約 §8-2).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit, mail, memberships
from .actors import Actor
from .applications import (
    _app,
    _mail_applicant,
    _parse_date,
    _same_day,
    applicant_contact,
    check_not_before_start,
    lock_applicant,
    pending_on_group,
    record_submission,
    reopen_approved,
    resolve_applicant,
)
from .calendar import JST
from .errors import ValidationFailed
from .fields import parse_id, today_jst
from .models import Application, ApplicationPart, Membership, MembershipGroup
from .statuses import (
    APPLICATION_TRANSITIONS,
    ApplicationStatus,
    MembershipStatus,
    PartAction,
    PartStatus,
    transition,
)

REASONS = {"retirement": "廃業・退職", "death": "死亡", "other": "その他"}
#: the names of an earlier version of the API, still accepted (see contract_body)
LEGACY_FIELDS = {"withdrawal_reason": "reason", "withdrawal_reason_text": "reason_text"}
LEGACY_REASONS = {"retired": "retirement"}
MAX_REASON_TEXT = 50


def groups_of(session: Session, physician_id: int, actor: Actor | None = None) -> list[MembershipGroup]:
    """The member's groups that still have an active membership, each with its memberships.

    With a secretariat `actor` (acting for the member), only the groups its own association is
    part of: staff change nothing in chains their office is not in.
    """
    groups = session.scalars(sa.select(MembershipGroup).where(MembershipGroup.physician_id == physician_id)
                             .options(selectinload(MembershipGroup.memberships).selectinload(Membership.association),
                                      selectinload(MembershipGroup.facility))
                             .order_by(MembershipGroup.id)).all()
    staff_of = actor.association_id if actor is not None and actor.is_secretariat else None
    return [g for g in groups if any(m.status == MembershipStatus.ACTIVE for m in g.memberships)
            and (staff_of is None or any(m.association_id == staff_of for m in g.memberships))]


def pending_by_group(session: Session, groups: list[MembershipGroup], physician_id: int) -> dict[int, int]:
    """{group id: the number of the membership change under review on it} for the groups that have
    one: a withdrawal cannot be filed on those until it is decided (say so before the form)."""
    found = {g.id: pending_on_group(session, physician_id, g) for g in groups}
    return {group_id: app_id for group_id, app_id in found.items() if app_id is not None}


def cascade(group: MembershipGroup, from_association_id: int) -> list[Membership]:
    """The active memberships left when leaving `from_association_id`: it and every one above it
    in the group, bottom layer first. Empty if it is not an active membership of the group."""
    active = [m for m in group.memberships if m.status == MembershipStatus.ACTIVE]
    start = next((m for m in active if m.association_id == from_association_id), None)
    if start is None:
        return []
    return sorted((m for m in active if m.layer <= start.layer), key=lambda m: -m.layer)


def contract_body(data: dict) -> dict:
    """The body in API.md's names. An earlier version of the API named the fields `association`
    (one code), `withdrawal_reason` (`retired`, `death`, `other`) and `withdrawal_reason_text`;
    those are still accepted and mapped here (docs/applications.md)."""
    body = dict(data)
    for old, new in LEGACY_FIELDS.items():
        if old in body and new not in body:
            body[new] = body.pop(old)
    if "association" in body and "associations" not in body:
        code = body.pop("association")
        body["associations"] = [code] if code not in (None, "") else []
    if isinstance(body.get("reason"), str) and body["reason"] in LEGACY_REASONS:
        body["reason"] = LEGACY_REASONS[body["reason"]]
    return body


def _codes(value) -> list[str] | None:
    """The `associations` of a body as a list of codes, or None when it is not one."""
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        return None
    return [c.strip() for c in value if c.strip()]


def named_group(groups: list[MembershipGroup], group_id, errors: dict) -> MembershipGroup | None:
    """The group `group_id` names among the member's `groups` (error `not_your_group` otherwise)."""
    wanted = parse_id(group_id)
    group = next((g for g in groups if g.id == wanted), None)
    if group is None:
        errors["group_id"] = ("not_your_group", {})
    return group


def _group_for(groups: list[MembershipGroup], group_id, codes: list[str], errors: dict) -> MembershipGroup | None:
    """The group left: the one named by `group_id`, else the only group holding every code."""
    if group_id not in (None, ""):
        return named_group(groups, group_id, errors)

    def holds(g, code):
        return any(m.association.code == code and m.status == MembershipStatus.ACTIVE for m in g.memberships)

    holding = [g for g in groups if all(holds(g, c) for c in codes)]
    if len(holding) == 1:
        return holding[0]
    if holding:
        errors["group_id"] = ("choose", {})  # the same associations in more than one group
    else:
        missing = next((c for c in codes if not any(holds(g, c) for g in groups)), codes[0])
        errors["associations"] = ("not_a_member_here", {"code": missing})
    return None


def validate(session: Session, physician_id: int, data: dict, actor: Actor | None = None) -> dict:
    """Check a withdrawal body (API.md: `desired_date`, `reason`, `reason_text`, `associations`;
    `group_id` when the member's groups share an association). The lowest association listed is
    left with every one above it in its group (the cascade rule). Raises ValidationFailed naming
    fields; returns cleaned values."""
    data = contract_body(data)
    errors: dict[str, tuple[str, dict]] = {}
    known = {"kind", "group_id", "associations", "desired_date", "reason", "reason_text", "on_behalf_of"}
    for extra in sorted(set(data) - known):
        errors[extra] = ("unknown_field", {})
    leaving: list[Membership] = []
    group = None
    codes = _codes(data.get("associations"))
    if not codes:
        errors["associations"] = ("choose", {})
    else:
        group = _group_for(groups_of(session, physician_id, actor), data.get("group_id"), codes, errors)
    if group is not None:
        active = {m.association.code: m for m in group.memberships if m.status == MembershipStatus.ACTIVE}
        missing = next((c for c in codes if c not in active), None)
        if missing is not None:
            errors["associations"] = ("not_a_member_here", {"code": missing})
        else:
            lowest = max((active[c] for c in codes), key=lambda m: m.layer)
            leaving = cascade(group, lowest.association_id)
        pending = pending_on_group(session, physician_id, group)
        if pending is not None:
            errors["group_id"] = ("group_has_pending_application", {"application_id": pending})
    reason, text = _reason(data, errors)
    desired = _parse_date(data.get("desired_date"), "desired_date", errors, earliest_for(reason), latest_for(reason))
    check_not_before_start(desired, leaving, True, errors)
    if errors:
        raise ValidationFailed(errors, context="withdrawal")
    return {"group": group, "leaving": leaving, "desired_date": desired, "reason": reason, "reason_text": text}


#: a withdrawal for death (filed afterwards by the family or the office) is dated the day of death,
#: which may lie this far back
DEATH_DATED_BACK = dt.timedelta(days=366)


def earliest_for(reason: str) -> dt.date | None:
    """The first day a withdrawal may be dated: None (from today) but for a death, dated back."""
    return today_jst() - DEATH_DATED_BACK if reason == "death" else None


def latest_for(reason: str) -> dt.date | None:
    """The last day a withdrawal may be dated: for a death, the day of death — today at the latest;
    None (the usual year ahead) otherwise."""
    return today_jst() if reason == "death" else None


def _reason(data: dict, errors: dict) -> tuple[str, str]:
    """`reason` and `reason_text` checked (the text only with `other`; it is dropped otherwise)."""
    reason, text = data.get("reason") or "", data.get("reason_text") or ""
    if not isinstance(text, str):
        errors["reason_text"] = ("invalid", {})
        text = ""
    text = text.strip()
    if not isinstance(reason, str):
        errors["reason"] = ("invalid", {})
    elif not reason:
        errors["reason"] = ("choose", {})
    elif reason not in REASONS:
        errors["reason"] = ("choose_from_list", {})
    elif reason == "other" and not text:
        errors["reason_text"] = ("required", {})
    if len(text) > MAX_REASON_TEXT:
        errors["reason_text"] = ("too_long", {"max": MAX_REASON_TEXT})
    return reason, text if reason == "other" else ""


def file_withdrawal(session: Session, actor: Actor, data: dict) -> Application:
    """Store a withdrawal with one `leave` part per association left, bottom layer first.

    Raises ValidationFailed, Forbidden. The caller starts the withdrawal process.
    """
    applicant = resolve_applicant(session, actor, data.get("on_behalf_of"))
    lock_applicant(session, applicant.physician_id)  # the "nothing pending" checks hold until the commit
    clean = validate(session, applicant.physician_id, data, actor)
    group = clean["group"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    app = Application(
        kind="withdrawal", status=ApplicationStatus.SUBMITTED.value, physician=applicant.physician,
        applicant_user_id=applicant.id, filed_by_user_id=actor.user_id, group_id=group.id,
        desired_date=clean["desired_date"], facility_id=group.facility_id, submitted_at=now,
        payload={"reason": clean["reason"], "reason_text": clean["reason_text"],
                 "associations": [m.association.code for m in clean["leaving"]]},
        # each part names the category left, as an enrolment's names the one joined
        parts=[ApplicationPart(seq=seq, association_id=m.association_id, layer=m.layer, category_id=m.category_id,
                               action=PartAction.LEAVE.value, status=PartStatus.PENDING.value)
               for seq, m in enumerate(clean["leaving"])],
    )
    return record_submission(session, actor, applicant, app)


def amend_pending(session: Session, actor: Actor, app: Application, changes: dict) -> None:
    """修正 while pending: the applicant changes the date or the reason; the layers see it. A layer
    that approved already approved another date or reason: it reviews the withdrawal again
    (applications.reopen_approved). What changed is mailed to the applicant (a receipt: someone
    else may hold the login) and to every association the withdrawal names. Raises ValidationFailed."""
    before = (app.desired_date, (app.payload or {}).get("reason", ""), (app.payload or {}).get("reason_text", ""))
    errors: dict[str, tuple[str, dict]] = {key: ("unknown_field", {}) for key in contract_body(changes)
                                           if key not in ("desired_date", "reason", "reason_text")}
    if "desired_date" in changes and not _same_day(changes["desired_date"], app.desired_date):
        # the date as filed stands even once it has passed (a return took the time)
        reason = contract_body(changes).get("reason") or (app.payload or {}).get("reason", "")
        day = _parse_date(changes["desired_date"], "desired_date", errors, earliest_for(reason), latest_for(reason))
        left = {part.association_id for part in app.parts}
        check_not_before_start(day, [m for m in app.group.memberships if m.association_id in left], True, errors)
        app.desired_date = app.desired_date if "desired_date" in errors else day
    payload = dict(app.payload or {})
    changes = contract_body(changes)
    if "reason" in changes or "reason_text" in changes:  # the text alone: with the reason it explains
        reason, text = _reason({"reason": payload.get("reason", ""), **changes}, errors)
        latest = latest_for(reason)
        if latest and app.desired_date and app.desired_date > latest and "desired_date" not in errors:
            # a death is never dated ahead, whichever of the two was changed
            errors["desired_date"] = ("date_too_late", {"max": f"{latest:%Y/%m/%d}"})
        if not errors:
            payload.update(reason=reason, reason_text=text)
    if errors:
        raise ValidationFailed(errors, context="withdrawal")
    after = (app.desired_date, payload.get("reason", ""), payload.get("reason_text", ""))
    if after == before:
        return
    payload["amended_at"] = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat()
    app.payload = payload
    audit.record(session, actor, "application.amend", "application", app.id,
                 on_behalf_of_user_id=app.applicant_user_id if app.applicant_user_id != actor.user_id else None,
                 changed={name: [str(old), str(new)] for name, old, new in zip(
                     ("desired_date", "reason", "reason_text"), before, after, strict=True) if old != new})
    reopened = reopen_approved(session, actor, app)
    _mail_amendment(session, app, before, after, {part.id for part in reopened})


def _mail_amendment(session: Session, app: Application, before: tuple, after: tuple, reopened: set[int]) -> None:
    """What changed, as {field, old, new} (a reason as its code and the member's own words)."""
    lines = []
    if before[0] != after[0]:
        lines.append({"field": "desired_date", "old": f"{before[0]:%Y/%m/%d}", "new": f"{after[0]:%Y/%m/%d}"})
    if before[1:] != after[1:]:
        lines.append({"field": "reason", "old": before[1:], "new": after[1:]})
    _mail_applicant(session, app, "withdrawal_amended", amended=lines, application_id=app.id, reasons=REASONS)
    name, _address = applicant_contact(session, app)
    for part in app.parts:
        if part.association.email:
            mail.send(session, part.association.email, "withdrawal_amended_office", association=part.association.name,
                      applicant=name, application_id=app.id, amended=lines,
                      approved=part.id in reopened, reasons=REASONS)


# --- the operations the withdrawal process names ------------------------------------------------

def effective_at(session: Session, actor: Actor, application_id: int) -> str:
    """When the withdrawal takes effect: the end of the desired date (00:00 JST the day after),
    as an ISO UTC timestamp for the process's timer. A date already past takes effect at once."""
    app = _app(session, application_id)
    day = app.desired_date + dt.timedelta(days=1)
    at = dt.datetime.combine(day, dt.time(), tzinfo=JST).astimezone(dt.UTC)
    return at.isoformat()


def apply_withdrawal(session: Session, actor: Actor, application_id: int) -> bool:
    """Every association has approved and the date has come: end all the memberships at once.

    Raises ChainBroken if the group would be left with an upper layer above an ended one
    (the transaction then rolls back whole)."""
    app = _app(session, application_id)
    group = app.group
    leaving = {p.association_id for p in app.parts if p.action == PartAction.LEAVE}
    for m in group.memberships:
        if m.association_id in leaving and m.status == MembershipStatus.ACTIVE:
            memberships.end_membership(session, actor, m, app.desired_date, app.id)
    memberships.check_group(group)
    transition(app, ApplicationStatus.COMPLETED, APPLICATION_TRANSITIONS)
    audit.record(session, actor, "application.complete", "application", app.id, kind=app.kind)
    _mail_applicant(session, app, "withdrawal_done")
    return True


def reason_label(app: Application) -> tuple[str, str]:
    """(the reason's label, the member's own words for その他 or ""): the screens translate the label
    and show the words as written."""
    payload = app.payload or {}
    return REASONS.get(payload.get("reason", ""), ""), payload.get("reason_text") or ""
