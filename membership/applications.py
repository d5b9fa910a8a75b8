"""Applications (入会届 and, later, 退会届 / 異動届 / certifications) and the decisions on their parts.

`file_enrolment` validates and stores an application; the engine then drives its review through
the operations below (`next_part`, `open_part`, `approve_part`, …), which the BPMN service tasks
name. Each function runs inside the caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from . import audit, fields, mail, members, notifications
from .actors import Actor
from .associations import get_by_codes, get_facility, holds_members, offered_children
from .db import is_postgresql
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import FieldError, as_jst, halfwidth, parse_id, today_jst
from .memberships import activate_membership
from .models import (
    Application,
    ApplicationPart,
    Association,
    Facility,
    MemberCategory,
    Membership,
    MembershipGroup,
    Physician,
    TrainingSession,
    UserAccount,
)
from .reference import DESIGNATIONS, DUTY_CODES, POSITIONS
from .statuses import (
    APPLICATION_TRANSITIONS,
    PART_PUBLIC_STATUS,
    PART_TRANSITIONS,
    ApplicationStatus,
    MembershipStatus,
    PartAction,
    PartStatus,
    transition,
)

OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED)
#: a part its association has not decided yet
UNDECIDED_PART = (PartStatus.PENDING, PartStatus.IN_REVIEW, PartStatus.RETURNED)
#: the facility choices that are not a facility: not decided / not listed, and home member
FACILITY_MODES = {"undecided": "未定・一覧にない", "home": "自宅会員"}


def facility_mode(raw) -> str | None:
    """`undecided` or `home` when a body's facility_id names one of FACILITY_MODES (any JSON value
    may arrive there: a list or an object is no mode, and no facility either)."""
    return raw if isinstance(raw, str) and raw in FACILITY_MODES else None
#: kinds that change memberships: one of them pending on a group holds back another (a fee
#: reduction or a certification in review does not)
MEMBERSHIP_KINDS = ("enrolment", "withdrawal", "transfer")
#: kinds where each association decides its own part: a decline does not end the others
EACH_DECIDES = frozenset({"fee_reduction"})
KIND_LABELS = {"enrolment": "入会届", "withdrawal": "退会届", "transfer": "異動届", "certification": "認定申請",
               "session": "研修会の承認申請", "fee_reduction": "会費減免申請"}
#: the kinds as an English mail names them
KIND_LABELS_EN = {"enrolment": "enrolment", "withdrawal": "withdrawal", "transfer": "transfer",
                  "certification": "certification application", "session": "training session application",
                  "fee_reduction": "fee reduction application"}
STATUS_LABELS = {
    "draft": "一時保存", "submitted": "申請中", "in_review": "申請中", "returned": "差戻し",
    "approved": "承認", "rejected": "却下", "cancelled": "取消", "completed": "完了", "pending": "申請中",
}
#: a part's status where each association's part is listed (申請先の医師会): where the application
#: stands — at this association now, or not yet here (an application goes up a layer at a time)
PART_LABELS = {**STATUS_LABELS, "in_review": "審査中", "pending": "未着（前の医師会の審査待ち）"}
#: the same in English, for the mails of an applicant who uses the English screens
STATUS_LABELS_EN = {
    "draft": "Draft", "submitted": "Under review", "in_review": "Under review", "returned": "Returned",
    "approved": "Approved", "rejected": "Rejected", "cancelled": "Cancelled", "completed": "Completed",
    "pending": "Under review",
}
#: the parts in the applicant's mails, as their application's page lists them
PART_LABELS_EN = {**STATUS_LABELS_EN, "pending": "Not reached yet (waits for the review before it)"}


#: a withdrawal or transfer that still takes the member out: under review, or approved (ends on the date)
_DEPARTING_KINDS = ("withdrawal", "transfer")
_DEPARTING_STATUSES = (*OPEN_APPLICATION, ApplicationStatus.APPROVED)
_DEAD_PARTS = (PartStatus.REJECTED, PartStatus.CANCELLED)


def _departure(app_status: str, kind: str = "withdrawal") -> str:
    """"applied" / "approved" for a withdrawal; "transfer_applied" / "transfer_approved" for a
    transfer (the member moves: the screens say 異動申請中, not 退会申請中)."""
    state = "approved" if app_status == ApplicationStatus.APPROVED else "applied"
    return f"transfer_{state}" if kind == "transfer" else state


def pending_departures(apps: list[Application]) -> dict[int, str]:
    """The associations a member is leaving (by a withdrawal or transfer under way), from their
    applications: {association id: "applied" (under review) or "approved" (ends on the date), with
    a `transfer_` prefix when a transfer takes them out}."""
    return {part.association_id: _departure(app.status, app.kind) for app in apps
            if app.kind in _DEPARTING_KINDS and app.status in _DEPARTING_STATUSES
            for part in app.parts if part.action == PartAction.LEAVE and part.status not in _DEAD_PARTS}


def departing_here(session: Session, actor: Actor, physician_ids: list[int]) -> dict[int, str]:
    """Of these physicians, those leaving the actor's association by a withdrawal or transfer under
    way: {physician id: "applied" or "approved"} (as pending_departures, for a list; one query)."""
    if not physician_ids or not actor.association_id:
        return {}
    rows = session.execute(
        sa.select(Application.physician_id, Application.status, Application.kind).join(ApplicationPart).where(
            Application.physician_id.in_(physician_ids), Application.kind.in_(_DEPARTING_KINDS),
            Application.status.in_(_DEPARTING_STATUSES),
            ApplicationPart.association_id == actor.association_id, ApplicationPart.action == PartAction.LEAVE,
            ApplicationPart.status.not_in(_DEAD_PARTS)))
    return {physician: _departure(status, kind) for physician, status, kind in rows}


# --- filing ---------------------------------------------------------------------------------

def resolve_applicant(session: Session, actor: Actor, on_behalf_of: str | None) -> UserAccount:
    """The member account an application belongs to.

    A member files for themself; a secretariat may file for a member of its own association
    (利用規約 §5-5). Raises ValidationFailed (unknown member), Forbidden (other roles).
    """
    if on_behalf_of:
        if not actor.is_secretariat:
            raise Forbidden()
        member = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == on_behalf_of,
                                                             UserAccount.role == "member")
                                .options(joinedload(UserAccount.physician)))
        belongs = member is not None and member.physician_id is not None and members.can_act_for(
            session, actor, member.physician_id)
        if not belongs:
            raise ValidationFailed.one("on_behalf_of", "unknown_member")
        return member
    if actor.role != "member":
        raise Forbidden()
    account = session.get(UserAccount, actor.user_id, options=[joinedload(UserAccount.physician)])
    if account is None or account.physician_id is None:
        raise ValidationFailed.one("login_id", "not_a_physician")
    return account


def check_not_before_start(day: dt.date | None, ended: list, last_day: bool, errors: dict) -> None:
    """A withdrawal's date (the last day, `last_day`) or a transfer's (the first day elsewhere)
    may not end a membership before it began: one approved with a start date still ahead would
    be left with an end before its start."""
    start = max((m.since for m in ended if m.since is not None), default=None)
    if day is None or start is None or "desired_date" in errors:
        return
    if day < start or (day == start and not last_day):
        errors["desired_date"] = ("before_membership_start", {"date": f"{start:%Y/%m/%d}"})


def _parse_date(value, field: str, errors: dict, earliest: dt.date | None = None,
                latest: dt.date | None = None) -> dt.date | None:
    """A desired date from today (or from `earliest`, where a past day is allowed) to
    MAX_DAYS_AHEAD on (or to `latest`); problems into `errors`."""
    if value in (None, ""):
        errors[field] = ("required", {})
        return None
    parsed = _as_date(value)
    if parsed is None:
        errors[field] = ("invalid_date", {})
        return None
    if earliest is None and parsed < today_jst():
        errors[field] = ("date_in_past", {})
        return None
    if earliest is not None and parsed < earliest:
        errors[field] = ("date_too_early", {"min": f"{earliest:%Y/%m/%d}"})
        return None
    latest = latest or today_jst() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if parsed > latest:
        errors[field] = ("date_too_late", {"max": f"{latest:%Y/%m/%d}"})
        return None
    return parsed


#: how far ahead a membership change may be dated (a desired date years away is a typing slip)
MAX_DAYS_AHEAD = 366


def check_desired_date(value, field: str = "desired_date") -> dt.date:
    """A desired date as the filing will check it (today or later, within MAX_DAYS_AHEAD), for a
    wizard's step to say so at once. Raises ValidationFailed naming `field`."""
    errors: dict = {}
    parsed = _parse_date(value, field, errors)
    if errors:
        raise ValidationFailed(errors)
    return parsed


def _validate_chain(session: Session, physician_id: int, choices, found: dict, extending: bool = False) -> list[tuple]:
    """Check the chosen associations; returns [(association, category)] bottom layer first.

    Problems go into `found` (field → (message key, params)); other fields' errors do not stop it.
    """
    errors: dict[str, tuple[str, dict]] = {}
    picked = _check_choices(session, physician_id, choices, errors, extending)
    found.update(errors)
    return picked


def _check_choices(session: Session, physician_id: int, choices, errors: dict, extending: bool = False) -> list[tuple]:
    field = "associations"
    if not isinstance(choices, list) or not choices:
        errors[field] = ("choose", {})
        return []
    picked: list[tuple[Association, object]] = []
    codes = [str(c.get("code") or "") for c in choices if isinstance(c, dict)]
    found = get_by_codes(session, [c for c in codes if c])  # one query, categories included
    for i, choice in enumerate(choices):
        if not isinstance(choice, dict):
            errors[f"{field}[{i}]"] = ("invalid", {})
            continue
        if not isinstance(choice.get("code") or "", str) or not isinstance(choice.get("category") or "", str):
            errors[f"{field}[{i}]"] = ("invalid", {})  # (an object where a code goes is not quoted back)
            continue
        code, cat_code = str(choice.get("code") or ""), str(choice.get("category") or "")
        association = found.get(code)
        if association is None:
            errors[f"{field}[{i}].code"] = ("unknown_association", {"code": code})
            continue
        if not holds_members(association):  # an external body organises sessions, nobody joins it
            errors[f"{field}[{i}].code"] = ("takes_no_members", {"association": association.name})
            continue
        category = next((c for c in association.categories if c.code == cat_code), None)
        if category is None:
            errors[f"{field}[{i}].category"] = ("unknown_category" if cat_code else "choose_category",
                                                {"code": cat_code, "association": association.name})
            continue
        picked.append((association, category))
    if errors:
        return []
    picked.sort(key=lambda pair: -pair[0].layer)
    layers = [a.layer for a, _ in picked]
    for layer in set(layers):
        if layers.count(layer) > 1:
            errors[field] = ("duplicate_layer", {"layer": layer})
            return []
    for (lower, _), (upper, _) in zip(picked, picked[1:], strict=False):
        if upper.layer != lower.layer - 1:
            errors[field] = ("gap_in_chain", {"lower": upper.name, "layer": upper.layer + 1})
            return []
        if lower.parent_id != upper.id:
            errors[field] = ("broken_chain", {"lower": lower.name, "upper": upper.name})
            return []
    if picked and picked[0][0].layer == 1 and not extending:
        # JMA membership goes through a prefecture (日医会員は都道府県医師会の会員).
        errors[field] = ("gap_in_chain", {"lower": picked[0][0].name, "layer": 2})
        return []
    ids = [a.id for a, _ in picked]
    member_of = set(session.scalars(sa.select(Membership.association_id).where(
        Membership.physician_id == physician_id, Membership.status == MembershipStatus.ACTIVE,
        Membership.association_id.in_(ids))))
    pending = set(session.scalars(
        sa.select(ApplicationPart.association_id).join(Application).where(
            Application.physician_id == physician_id, Application.status.in_(OPEN_APPLICATION),
            ApplicationPart.action == PartAction.JOIN,
            ApplicationPart.status.in_(UNDECIDED_PART),
            ApplicationPart.association_id.in_(ids))))
    for a, _ in picked:
        if a.id in member_of:
            errors[field] = ("already_member", {"association": a.name})
        elif a.id in pending:
            errors[field] = ("pending_application", {"association": a.name})
    return [] if errors else picked


def check_chain(session: Session, actor: Actor, choices, on_behalf_of: str | None = None) -> None:
    """Step 1 of the wizard: check the chosen chain alone. Raises ValidationFailed."""
    applicant = resolve_applicant(session, actor, on_behalf_of)
    errors: dict[str, tuple[str, dict]] = {}
    _validate_chain(session, applicant.physician_id, choices, errors)
    if errors:
        raise ValidationFailed(errors)


def check_duty(data: dict, errors: dict, home: bool = False) -> tuple[str, str]:
    """The duty at the facility (`duty_code`, required — not for a 自宅会員 (`home`), who has no
    facility: the codes all describe work at one) and the position (optional) of an enrolment or
    a transfer, checked against the code lists; the errors go into `errors`."""
    duty = data.get("duty_code") or ""
    if isinstance(duty, str):
        duty = halfwidth(duty)  # "１１" is 11, as everywhere digits are typed
    if not isinstance(duty, str | int):
        errors["duty_code"], duty = ("unknown_duty", {}), ""
    elif not duty:
        if not home:
            errors["duty_code"] = ("choose", {})
    elif str(duty) not in DUTY_CODES:
        errors["duty_code"] = ("unknown_duty", {})
    duty = str(duty)
    position = data.get("position") or ""
    if not isinstance(position, str):
        errors["position"], position = ("unknown_position", {}), ""
    elif position and position not in POSITIONS:
        errors["position"] = ("unknown_position", {})
    return duty, position


def validate_enrolment(session: Session, physician_id: int, data: dict) -> dict:
    """Check an enrolment body; returns the cleaned values. Raises ValidationFailed naming fields."""
    errors: dict[str, tuple[str, dict]] = {}
    known = {"kind", "desired_date", "facility_id", "facility_name", "duty_code", "position", "associations",
             "on_behalf_of", "group_id", "designations"}
    for extra in sorted(set(data) - known):
        errors[extra] = ("unknown_field", {})
    desired = _parse_date(data.get("desired_date"), "desired_date", errors)
    facility = None
    raw_facility = data.get("facility_id")
    if raw_facility in (None, ""):
        errors["facility_id"] = ("choose", {})
    elif facility_mode(raw_facility):
        pass  # 未定・一覧にない, or 自宅会員: no facility row
    else:
        facility = get_facility(session, raw_facility)
        if facility is None:
            errors["facility_id"] = ("unknown_facility", {})
    duty, position = check_duty(data, errors, home=raw_facility == "home")
    if raw_facility == "home":  # no workplace: a duty or position chosen before does not stand
        duty, position = "", ""
    facility_name = ""
    if raw_facility == "undecided":  # the name of a facility not in the list (seed: 未定、もしくは…施設名)
        try:
            facility_name = fields.text(data.get("facility_name"), 50)
        except FieldError as exc:
            errors["facility_name"] = (exc.key, exc.params)
    designations = data.get("designations") or []
    if not isinstance(designations, list) or any(d not in DESIGNATIONS for d in designations):
        errors["designations"] = ("choose_from_list", {})
        designations = []
    extending = data.get("group_id") not in (None, "")
    chain = _validate_chain(session, physician_id, data.get("associations"), errors, extending)
    group = None
    if data.get("group_id") not in (None, ""):
        group = _extend_group(session, physician_id, data["group_id"], chain, errors)
        if group is not None:
            facility = group.facility
            errors.pop("facility_id", None)
            # the layers above begin with or after those below (an 入会予定 below begins later); a
            # city added below a prefecture may begin first
            below = bool(chain) and chain[0][0].layer > max(
                (m.layer for m in group.memberships if m.status == MembershipStatus.ACTIVE), default=0)
            begins = None if below else lower_layers_begin(group)
            if desired is not None and begins is not None and desired < begins:
                errors["desired_date"] = ("before_lower_layers", {"date": f"{begins:%Y/%m/%d}"})
    if errors:
        raise ValidationFailed(errors)
    return {"desired_date": desired, "facility": facility, "duty_code": duty, "position": position,
            "chain": chain, "facility_mode": facility_mode(raw_facility) or "facility",
            "facility_name": facility_name,
            "group": group, "designations": [d for d in DESIGNATIONS if d in designations]}


def own_group(session: Session, actor: Actor, group_id: int) -> MembershipGroup:
    """One of the actor's own membership groups. Raises NotFound otherwise."""
    group = session.get(MembershipGroup, group_id)
    if group is None or actor.physician_id is None or group.physician_id != actor.physician_id:
        raise NotFound()
    return group


def extendable_groups(session: Session, actor: Actor,
                      apps: list[Application] | None = None) -> list[tuple[MembershipGroup, list[Association], bool]]:
    """追加入会 as step 1 of 入会届 and My Page offer it (seed 000: 追加入会は医師会を追加したい所属施設を
    選択): the member's groups with layers still to join and no membership change pending among
    `apps` (the member's applications, read when not given), each as (group, those associations
    nearest first, whether they are below it — a city under a prefecture held alone)."""
    if actor.physician_id is None:
        return []
    busy = groups_changing(applications_of(session, actor) if apps is None else apps)
    groups = session.scalars(sa.select(MembershipGroup).where(MembershipGroup.physician_id == actor.physician_id)
                             .options(selectinload(MembershipGroup.memberships), selectinload(MembershipGroup.facility))
                             .order_by(MembershipGroup.id))
    out = []
    for group in groups:
        if group.id in busy:
            continue
        above = upper_missing(group)
        below = [] if above else lower_missing(session, group)
        if above or below:
            out.append((group, above or below, not above))
    return out


def upper_missing(group: MembershipGroup) -> list[Association]:
    """追加入会: the associations above a group's top active membership, nearest first."""
    active = [m for m in group.memberships if m.status == MembershipStatus.ACTIVE]
    if not active:
        return []
    top = min(active, key=lambda m: m.layer).association
    out, parent = [], top.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


def pending_on_group(session: Session, physician_id: int, group: MembershipGroup) -> int | None:
    """The number of a pending membership change (enrolment, withdrawal, transfer) on this group or
    one of its associations, if any."""
    return session.scalar(sa.select(Application.id).where(
        Application.physician_id == physician_id, Application.status.in_(OPEN_APPLICATION),
        Application.kind.in_(MEMBERSHIP_KINDS),
        sa.or_(Application.group_id == group.id, Application.id.in_(
            sa.select(ApplicationPart.application_id).where(ApplicationPart.association_id.in_(
                [m.association_id for m in group.memberships]), ApplicationPart.status.in_(
                UNDECIDED_PART))))).limit(1))


def _extend_group(session: Session, physician_id: int, raw_group, chain: list, errors: dict):
    """追加入会 into one of the member's groups: the new chain must continue the group upwards."""
    group_id = parse_id(raw_group)
    group = session.get(MembershipGroup, group_id) if group_id is not None else None
    if group is None or group.physician_id != physician_id or not any(
            m.status == MembershipStatus.ACTIVE for m in group.memberships):
        errors["group_id"] = ("not_your_group", {})
        return None
    pending = pending_on_group(session, physician_id, group)  # e.g. a withdrawal of the layers below
    if pending is not None:
        errors["group_id"] = ("group_has_pending_application", {"application_id": pending})
        return None
    if chain:
        below = lower_missing(session, group)
        if chain[-1][0].id in [a.id for a in below] and len(chain) == 1:
            return group  # a city below a prefecture the group holds alone (layer 3 had been skipped)
        if below:  # the group can only grow downwards: one city of its prefecture
            errors["associations"] = ("one_city_below", {"prefecture": below[0].parent.name})
            return group
        expected = upper_missing(group)
        lowest = chain[0][0]
        if not expected or lowest.id != expected[0].id:
            errors["associations"] = ("gap_in_chain", {"lower": lowest.name,
                                                       "layer": lowest.layer + 1})
    return group


def lower_missing(session: Session, group: MembershipGroup) -> list[Association]:
    """追加入会 below: a group that skipped layers 3 and 4 (a prefecture's and JMA's member only)
    may add a city/county association of that prefecture — the layers not yet joined (SPEC §4)."""
    active = [m for m in group.memberships if m.status == MembershipStatus.ACTIVE]
    if not active:
        return []
    lowest = max(active, key=lambda m: m.layer)
    return offered_children(session, lowest.association_id) if lowest.layer == 2 else []


def held_beside(app: Application) -> list[Association]:
    """追加入会: the associations of the application's group the applicant belongs to already (the
    chain the new ones join), highest layer last — the reviewers read what they are adding to. Only
    while the application is under review: the group's memberships are today's, and once it is
    decided they would tell an office that reads its old record where the member has gone since."""
    if app.kind != "enrolment" or app.group is None or app.status not in OPEN_APPLICATION:
        return []
    joining = {part.association_id for part in app.parts}
    return [m.association for m in sorted(app.group.memberships, key=lambda m: -m.layer)
            if m.status == MembershipStatus.ACTIVE and m.association_id not in joining]


def lower_layers_begin(group: MembershipGroup) -> dt.date | None:
    """The day the last of the group's current memberships begins: an association added above them
    begins that day at the earliest (SPEC §1: no upper layer without the layers below)."""
    return max((m.since for m in group.memberships if m.status == MembershipStatus.ACTIVE and m.since), default=None)


def check_extension(session: Session, actor: Actor, group_id, choices) -> MembershipGroup:
    """Step 1 of 追加入会: the chosen upper associations continue the member's group. Raises
    ValidationFailed; returns the group."""
    applicant = resolve_applicant(session, actor, None)
    errors: dict[str, tuple[str, dict]] = {}
    chain = _validate_chain(session, applicant.physician_id, choices, errors, extending=True)
    group = _extend_group(session, applicant.physician_id, group_id, chain, errors)
    if errors:
        raise ValidationFailed(errors)
    return group


def file_enrolment(session: Session, actor: Actor, data: dict) -> Application:
    """Store a submitted enrolment with one `join` part per chosen association, bottom layer first.

    Raises ValidationFailed, Forbidden. The caller starts the review process.
    """
    applicant = resolve_applicant(session, actor, data.get("on_behalf_of"))
    lock_applicant(session, applicant.physician_id)  # the "nothing pending" checks hold until the commit
    clean = validate_enrolment(session, applicant.physician_id, data)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    app = Application(
        kind="enrolment", status=ApplicationStatus.SUBMITTED.value, physician=applicant.physician,
        applicant_user_id=applicant.id, filed_by_user_id=actor.user_id,
        desired_date=clean["desired_date"], facility=clean["facility"],
        duty_code=clean["duty_code"], position=clean["position"], submitted_at=now,
        payload={"associations": [{"code": a.code, "category": c.code} for a, c in clean["chain"]],
                 "facility_mode": clean["facility_mode"], "designations": clean["designations"],
                 **({"facility_name": clean["facility_name"]} if clean["facility_name"] else {})},
        parts=[ApplicationPart(seq=seq, association=association, layer=association.layer,
                               action=PartAction.JOIN.value, category=category, status=PartStatus.PENDING.value)
               for seq, (association, category) in enumerate(clean["chain"])],
        group=clean["group"],
    )
    return record_submission(session, actor, applicant, app)


def lock_applicant(session: Session, physician_id: int) -> None:
    """Serialise the filings of one physician (a "one pending application of this kind" check is
    then true until the commit): the physician's row is locked on PostgreSQL; SQLite's BEGIN
    IMMEDIATE already excludes every other writer."""
    if is_postgresql(session):
        session.execute(sa.select(Physician.id).where(Physician.id == physician_id).with_for_update())


#: an office files these for a member (a paper form it received) only when the application
#: concerns its own federation line — a part, or a membership of the group it extends or changes,
#: at the office itself, above it or below it: otherwise it could put the member's data before any
#: association in the country (an application makes its applicant visible to every association it
#: names)
ON_BEHALF_OWN_KINDS = ("enrolment", "transfer", "withdrawal")


def _concerns_office(session: Session, office_id: int, app: Application) -> bool:
    """Whether the office may file `app` for a member: it reviews a part of it; or it holds a
    membership of the group the application extends or changes; or the application's lowest
    association — where the member would belong locally — is in the office's federation line
    (the office, an association above it, or one below it). Not "any association in the line":
    JMA or a prefecture is in every line below them, so a chain ending at JMA would always pass."""
    parts = [(p.association_id if p.association_id is not None else p.association.id, p.layer) for p in app.parts]
    if any(a == office_id for a, _ in parts):
        return True
    group = app.group or (session.get(MembershipGroup, app.group_id) if app.group_id else None)
    if group is not None and any(m.association_id == office_id and m.status == MembershipStatus.ACTIVE
                                 for m in group.memberships):
        return True
    if not parts:
        return False
    lowest = max(parts, key=lambda p: p[1])[0]
    return lowest in _line_of(session, office_id) or office_id in _line_of(session, lowest)


def _line_of(session: Session, association_id: int) -> set[int]:
    """The association and those above it (its federation line: district → city → prefecture →
    JMA). An office is concerned by an application to itself, to an association above it, or to
    one below it (its own line is then in the other's)."""
    line, current = set(), session.get(Association, association_id)
    while current is not None and current.id not in line:
        line.add(current.id)
        current = current.parent
    return line


def record_submission(session: Session, actor: Actor, applicant: UserAccount, app: Application) -> Application:
    """Store a new application of any kind: its id, the audit row (naming whom staff acted for)
    and the receipt mail `<kind>_received`. Raises ValidationFailed when an office files a
    membership application for a member that does not concern the office itself."""
    if actor.is_secretariat and applicant.id != actor.user_id and app.kind in ON_BEHALF_OWN_KINDS:
        if not _concerns_office(session, actor.association_id, app):
            raise ValidationFailed.one("associations", "on_behalf_own_association")
    if applicant.lang == "en":  # its mails are written in the applicant's language
        app.payload = {**(app.payload or {}), "lang": "en"}
    session.add(app)
    session.flush()
    on_behalf = applicant.id if applicant.id != actor.user_id else None
    audit.record(session, actor, "application.submit", "application", app.id,
                 on_behalf_of_user_id=on_behalf, kind=app.kind)
    _mail_applicant(session, app, f"{app.kind}_received")
    return app


# --- the operations the review process names ------------------------------------------------

#: what the review operations touch, loaded with the application in one query: its parts with
#: their associations, the physician, and the membership group with its memberships (the chain
#: check needs them). Later calls in the same transaction find it all in the identity map.
_GRAPH = (
    joinedload(Application.parts).joinedload(ApplicationPart.association),
    joinedload(Application.physician),
    joinedload(Application.group).joinedload(MembershipGroup.memberships),
)


#: the application of part `part_id` with its graph; built once (loader options make building and
#: keying a statement cost more than running it)
_GRAPH_OF_PART = sa.select(Application).where(Application.id == sa.select(ApplicationPart.application_id).where(
    ApplicationPart.id == sa.bindparam("part_id")).scalar_subquery()).options(*_GRAPH)


def _app(session: Session, application_id: int) -> Application:
    with session.no_autoflush:  # see _part
        app = session.get(Application, application_id, options=_GRAPH)
    if app is None:
        raise NotFound()
    return _keep(session, app)


def _part(session: Session, part_id: int) -> ApplicationPart:
    part = session.identity_map.get(session.identity_key(ApplicationPart, part_id))
    if part is None:
        # No autoflush: loading never overwrites pending changes of objects already in the session,
        # and the step's one flush at its end then writes everything together.
        # all(): a joined collection is complete only once every row is read.
        with session.no_autoflush:
            apps = session.scalars(_GRAPH_OF_PART, {"part_id": part_id}).unique().all()
        part = next((p for p in apps[0].parts if p.id == part_id), None) if apps else None
    if part is None:
        raise NotFound()
    _keep(session, part.application)
    return part


def _keep(session: Session, app: Application) -> Application:
    """Hold the application for the session's life: the identity map holds clean objects only
    weakly, and a step's next service operation would otherwise load the graph again."""
    session.info.setdefault("mamis_review_graph", {})[app.id] = app
    return app


def next_part(session: Session, actor: Actor, application_id: int) -> dict | None:
    """The lowest-layer part still waiting for review, as process data; None when all are decided."""
    app = _app(session, application_id)
    for part in app.parts:  # ordered bottom layer first
        if part.status == PartStatus.PENDING:
            return {"id": part.id, "association": part.association.code, "layer": part.layer,
                    "association_name": part.association.name}
    return None


def escalate_part(session: Session, actor: Actor, part_id: int) -> dict | None:
    """A part's review is overdue: tell the secretariat of the next layer up in the chain.

    Returns {"association_id", "association"} of the layer told, or None when there is nothing to
    escalate (the part was decided or returned to the applicant meanwhile, or it is the top layer).
    The mail goes into the caller's transaction; the inbox marks are the engine's business.
    """
    part = _part(session, part_id)
    if part.status != PartStatus.IN_REVIEW:
        return None
    above = [p for p in part.application.parts if p.layer < part.layer]
    if not above:
        return None
    target = max(above, key=lambda p: p.layer).association  # the nearest layer above
    audit.record(session, actor, "part.escalate", "application_part", part.id, to_association_id=target.id)
    mail.send(session, target.email, "review_escalated", association=target.name,
              overdue_association=part.association.name, application_id=part.application_id,
              applicant_name=applicant_contact(session, part.application)[0])
    return {"association_id": target.id, "association": target.code}


def open_part(session: Session, actor: Actor, part_id: int) -> bool:
    part = _part(session, part_id)
    transition(part, PartStatus.IN_REVIEW, PART_TRANSITIONS)
    transition(part.application, ApplicationStatus.IN_REVIEW, APPLICATION_TRANSITIONS)
    audit.record(session, actor, "part.open", "application_part", part.id)
    return True


def _decide(part: ApplicationPart, actor: Actor, status: PartStatus, comment: str) -> None:
    transition(part, status, PART_TRANSITIONS)
    part.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    part.decided_by_user_id = actor.user_id or None
    part.comment = comment or ""


def four_eyes_blocked(app: Application, actor: Actor) -> bool:
    """Four-eyes: nobody approves an application they are the applicant of, or filed for someone."""
    return four_eyes_blocks_user(app, actor.user_id)


def four_eyes_blocks_user(app: Application, user_id: int | None) -> bool:
    """four_eyes_blocked for a user who is not the one acting (a review handed to a colleague)."""
    return bool(user_id) and user_id in (app.applicant_user_id, app.filed_by_user_id)


def four_eyes_condition(user_id: int):
    """four_eyes_blocked as a condition on Application, for lists (applications `user_id` may not
    decide)."""
    return sa.or_(Application.applicant_user_id == user_id, Application.filed_by_user_id == user_id)


#: the kinds whose approved parts are re-opened when the applicant changes what they approved: an
#: approval has no effect of its own before the whole application is decided (an enrolment's
#: approval starts its membership at once; it cannot change what was approved: its categories)
REOPENED_ON_CHANGE = ("withdrawal", "session")


def reopen_approved(session: Session, actor: Actor, app: Application) -> list[ApplicationPart]:
    """The applicant changed what some layers approved already: those parts wait for a review
    again (the process's next_part loop brings each back, bottom layer first, after the review
    under way). Returns the parts re-opened."""
    if app.kind not in REOPENED_ON_CHANGE:
        return []
    reopened = []
    for part in app.parts:
        if part.status == PartStatus.APPROVED:
            transition(part, PartStatus.PENDING, PART_TRANSITIONS)
            # the earlier approval and its comment stay in 審査の経過 and the audit trail
            part.decided_at, part.decided_by_user_id, part.comment = None, None, ""
            audit.record(session, actor, "part.reopen", "application_part", part.id)
            reopened.append(part)
    return reopened


def approve_part(session: Session, actor: Actor, part_id: int, comment: str = "") -> bool:
    """Approve one association's part; for a `join`, the membership starts.

    Raises Forbidden("four_eyes") for the applicant or whoever filed it, ChainBroken.
    """
    part = _part(session, part_id)
    if four_eyes_blocked(part.application, actor):
        raise Forbidden("four_eyes")
    _decide(part, actor, PartStatus.APPROVED, comment)
    if part.action == PartAction.JOIN and part.application.kind == "enrolment":
        activate_membership(session, actor, part)  # a transfer's joins wait for its effective date
    audit.record(session, actor, "part.approve", "application_part", part.id, comment=comment or "")
    _held_back(session, part.application, _mail_applicant(session, part.application,
                                                          f"{part.application.kind}_part_approved",
                                                          association=part.association.name,
                                                          all_approved=all(p.status == PartStatus.APPROVED
                                                                           for p in part.application.parts)))
    return True


#: the last part's mail of each application decided in this transaction (`_held_back`)
_LAST_PART_MAIL = "mamis_last_part_mail"


def _held_back(session: Session, app: Application, note) -> None:
    """Remember a part's mail: if it was the last part and the application's final word follows in
    the same step (its finish), that mail replaces this one — one mail for one event."""
    session.info.setdefault(_LAST_PART_MAIL, {})[app.id] = (note, session.get_transaction())


def _final_word(session: Session, app: Application) -> None:
    """The application is decided now: the last part's mail queued in this step is taken back (the
    final mail lists every part's decision too) — only in the same transaction: a mail committed
    already (a timer between the last approval and the finish) may have been sent."""
    note, transaction = session.info.get(_LAST_PART_MAIL, {}).pop(app.id, (None, None))
    if note is not None and transaction is session.get_transaction():
        notifications.unqueue(session, note)


def reject_part(session: Session, actor: Actor, part_id: int, comment: str = "") -> bool:
    """Reject one part: the whole application ends and the parts not yet reviewed are cancelled."""
    part = _part(session, part_id)
    _decide(part, actor, PartStatus.REJECTED, comment)
    app = part.application
    for other in app.parts:
        if other.status == PartStatus.PENDING:
            transition(other, PartStatus.CANCELLED, PART_TRANSITIONS)
    transition(app, ApplicationStatus.REJECTED, APPLICATION_TRANSITIONS)
    app.decided_at = part.decided_at
    audit.record(session, actor, "part.reject", "application_part", part.id, comment=comment or "")
    _mail_applicant(session, app, f"{app.kind}_rejected", association=part.association.name, comment=comment)
    _tell_co_organisers(session, app, rejected=True, by=part.association.name, comment=comment or "")
    return True


def _tell_co_organisers(session: Session, app: Application, rejected: bool, by: str = "", comment: str = "") -> None:
    """A session's approval that ends without it (rejected by a layer, or withdrawn by the organiser):
    the co-organisers asked — those that accepted and those yet to answer — are told it will not be
    held, as the organiser is."""
    if app.kind != "session":
        return
    ts = session.scalar(sa.select(TrainingSession).where(TrainingSession.application_id == app.id))
    for co in ts.co_organisations if ts is not None else ():
        if co.status in ("invited", "accepted") and co.association.email:
            mail.send(session, co.association.email, "session_co_ended", association=co.association.name,
                      organiser=ts.organiser.name, title=ts.title, session_id=ts.id, rejected=rejected, by=by,
                      comment=comment, accepted=co.status == "accepted")


def decline_part(session: Session, actor: Actor, part_id: int, comment: str = "") -> bool:
    """One association declines its own part; the other parts go on (a request each association
    decides for itself, like a fee reduction). The application stays under review."""
    part = _part(session, part_id)
    _decide(part, actor, PartStatus.REJECTED, comment)
    audit.record(session, actor, "part.decline", "application_part", part.id, comment=comment or "")
    _held_back(session, part.application, _mail_applicant(session, part.application,
                                                          f"{part.application.kind}_part_declined",
                                                          association=part.association.name, comment=comment))
    return True


def finish_each(session: Session, actor: Actor, application_id: int) -> str:
    """Every association has decided its own part: approved when at least one approved, else
    rejected. Returns the application's status."""
    app = _app(session, application_id)
    approved = any(p.status == PartStatus.APPROVED for p in app.parts)
    transition(app, ApplicationStatus.APPROVED if approved else ApplicationStatus.REJECTED, APPLICATION_TRANSITIONS)
    app.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    audit.record(session, actor, "application.finish", "application", app.id, status=app.status)
    _final_word(session, app)
    _mail_applicant(session, app, f"{app.kind}_decided")
    return app.status


def return_part(session: Session, actor: Actor, part_id: int, comment: str = "") -> bool:
    """Send the application back to the applicant; the same association reviews it again."""
    part = _part(session, part_id)
    _decide(part, actor, PartStatus.RETURNED, comment)
    transition(part.application, ApplicationStatus.RETURNED, APPLICATION_TRANSITIONS)
    audit.record(session, actor, "part.return", "application_part", part.id, comment=comment or "")
    app = part.application
    office = _filing_office(session, app)
    _mail_applicant(session, app, f"{app.kind}_returned", association=part.association.name, comment=comment,
                    **({"filer": office.name} if office is not None else {}))
    if office is not None and office.email:
        # the office that filed it for the member (a paper form, a death reported by the family)
        # amends it on the member's page (利用規約 §5-5): it is told, as the member is
        mail.send(session, office.email, "returned_to_filer", to_office=office.name,
                  association=part.association.name, kind=KIND_LABELS.get(app.kind, app.kind), application_id=app.id,
                  applicant=app.physician.full_name, physician_id=app.physician_id, comment=comment, late=died(app))
    return True


def _filing_office(session: Session, app: Application) -> Association | None:
    """The association whose secretariat filed the application for its member, if one did."""
    if app.physician_id is None or app.filed_by_user_id in (None, app.applicant_user_id):
        return None
    with session.no_autoflush:
        filer = session.get(UserAccount, app.filed_by_user_id)
        if filer is None or filer.role != "secretariat" or filer.association_id is None:
            return None
        return session.get(Association, filer.association_id)


def finish(session: Session, actor: Actor, application_id: int) -> bool:
    """Every part is approved: the application is approved."""
    app = _app(session, application_id)
    transition(app, ApplicationStatus.APPROVED, APPLICATION_TRANSITIONS)
    app.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    audit.record(session, actor, "application.approve", "application", app.id)
    if app.kind == "enrolment":  # the last word of an enrolment: done, with the JMA number it brought
        _final_word(session, app)
        joined_jma = any(p.layer == 1 and p.action == PartAction.JOIN for p in app.parts)
        _mail_applicant(session, app, "enrolment_done", application_id=app.id,
                        jma_member_id=app.physician.jma_member_id if joined_jma and app.physician else None)
    return True


#: what an amendment after a return may change (`amend`)
AMENDABLE = ("categories", "desired_date", "facility_id", "duty_code", "position")


def amend(session: Session, actor: Actor, app: Application, changes: dict) -> None:
    """Apply the applicant's amendments after a return (date, facility, duty, position, and the
    member category of each association joined that has not decided yet: {"categories": {code:
    category code}}).

    Raises ValidationFailed (also naming a key that is none of these: it would be dropped
    unseen). The chain of associations is not changed by an amendment.
    """
    errors: dict[str, tuple[str, dict]] = {key: ("unknown_field", {}) for key in changes if key not in AMENDABLE}
    before = _amendable_state(app)
    chosen = changes.get("categories") or {}
    if isinstance(chosen, dict):
        _amend_categories(app, chosen, errors)
    else:
        errors["categories"] = ("invalid", {})
    # the date as filed stands even once it has passed (the return took the time, not the applicant)
    if "desired_date" in changes and not _same_day(changes["desired_date"], app.desired_date):
        app.desired_date = _parse_date(changes["desired_date"], "desired_date", errors) or app.desired_date
    raw_facility = changes.get("facility_id")
    if facility_mode(raw_facility):
        app.facility_id = None
        app.payload = {**(app.payload or {}), "facility_mode": raw_facility}
    elif raw_facility not in (None, ""):
        facility = get_facility(session, raw_facility)
        if facility is None:
            errors["facility_id"] = ("unknown_facility", {})
        else:
            app.facility_id = facility.id
            app.payload = {**(app.payload or {}), "facility_mode": "facility"}
    if changes.get("duty_code"):
        if not isinstance(changes["duty_code"], str) or changes["duty_code"] not in DUTY_CODES:
            errors["duty_code"] = ("unknown_duty", {})
        else:
            app.duty_code = changes["duty_code"]
    if "position" in changes:
        if changes["position"] and (not isinstance(changes["position"], str) or changes["position"] not in POSITIONS):
            errors["position"] = ("unknown_position", {})
        else:
            app.position = changes["position"] or ""
    if errors:
        raise ValidationFailed(errors)
    after = _amendable_state(app)
    audit.record(session, actor, "application.amend", "application", app.id,
                 on_behalf_of_user_id=app.applicant_user_id if app.applicant_user_id != actor.user_id else None,
                 changed={k: [before[k], after[k]] for k in after if before[k] != after[k]})


def _amendable_state(app: Application) -> dict:
    """What an amendment may change, as the audit trail records it (before → after)."""
    return {"desired_date": app.desired_date.isoformat() if app.desired_date else None,
            "facility_id": app.facility_id, "facility_mode": (app.payload or {}).get("facility_mode"),
            "duty_code": app.duty_code, "position": app.position,
            "categories": {p.association.code: p.category.code for p in app.parts if p.category is not None}}


def _as_date(value) -> dt.date | None:
    """A desired date as a body gives it (2027-04-01, 2027/04/01, a date), or None for anything else."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).replace("/", "-"))
    except ValueError:
        return None


def _same_day(raw, day: dt.date | None) -> bool:
    """Whether a date as typed (2027-04-01, 2027/04/01) is `day`."""
    return day is not None and _as_date(raw) == day


def _amend_categories(app: Application, chosen: dict, errors: dict) -> None:
    """A returned application's member categories, chosen again for the associations still to decide
    (a category is the usual reason to return an enrolment); the stored summary follows. An
    association the application does not join, or one that has decided already, is refused by
    name unless its category is the one it has (a form sends every association back)."""
    joins = {p.association.code: p for p in app.parts if p.action == PartAction.JOIN}
    undecided = {p.association.code: p for p in undecided_joins(app)}
    for code, cat_code in chosen.items():
        part = undecided.get(code)
        if cat_code is None:
            continue
        if not isinstance(cat_code, str):
            errors[f"category-{code}"] = ("invalid", {})
            continue
        if part is None:
            decided = joins.get(code)
            if decided is None:
                errors["categories"] = ("not_in_application", {"code": code})
            elif cat_code and (decided.category is None or decided.category.code != cat_code):
                errors[f"category-{code}"] = ("category_decided", {"association": decided.association.name})
            continue
        if not cat_code or (part.category is not None and part.category.code == cat_code):
            continue
        category = next((c for c in part.association.categories if c.code == cat_code), None)
        if category is None:
            errors[f"category-{code}"] = ("unknown_category", {"code": cat_code, "association": part.association.name})
            continue
        part.category = category
        payload = dict(app.payload or {})
        for key in ("associations", "parts"):  # an enrolment's chain, a transfer's parts
            if key in payload:
                payload[key] = [{**entry, "category": cat_code}
                                if entry.get("code") == code and entry.get("action", "join") == "join" else entry
                                for entry in payload[key]]
        app.payload = payload


def _typed_facility():
    """The facility name an applicant typed for one not in the list (payload facility_name)."""
    return Application.payload["facility_name"].as_string()


def board_details(session: Session, actor: Actor, application_ids: list[int]) -> dict[int, dict]:
    """What a board decides on beside the inbox's summary, for the applications of a board's list
    (one query): {application id: {category (the label of the part for the actor's association,
    else the first), date (desired: joining, leaving, moving), facility, filed (when the member
    filed it), notes: a transfer's 転出/転入, a withdrawal's reason, and the decisions the layers
    below the actor's took, with their days}}."""
    if not application_ids:
        return {}
    from .withdrawals import REASONS as reasons  # (withdrawals builds on this module)

    rows = session.execute(
        sa.select(Application.id, Application.desired_date, sa.func.coalesce(Facility.name, _typed_facility()),
                  ApplicationPart.association_id, MemberCategory.label, Application.submitted_at, Application.kind,
                  Application.payload["reason"].as_string(), ApplicationPart.layer, ApplicationPart.action,
                  ApplicationPart.status, ApplicationPart.decided_at, Association.name)
        .outerjoin(Facility, Facility.id == Application.facility_id)
        .outerjoin(ApplicationPart, ApplicationPart.application_id == Application.id)
        .outerjoin(Association, Association.id == ApplicationPart.association_id)
        .outerjoin(MemberCategory, MemberCategory.id == ApplicationPart.category_id)
        .where(Application.id.in_(application_ids)).order_by(Application.id, ApplicationPart.seq))
    out: dict[int, dict] = {}
    parts: dict[int, list] = {}
    for (app_id, desired, facility, association_id, label, filed, kind, reason, layer, action, status, decided,
         name) in rows:
        entry = out.setdefault(app_id, {"category": "", "date": desired, "facility": facility or "", "filed": filed,
                                        "kind": kind, "reason": reason or "", "moves": "", "below": ""})
        if label and (association_id == actor.association_id or not entry["category"]):
            entry["category"] = label
        parts.setdefault(app_id, []).append((association_id, layer, action, status, decided, name))
    for app_id, entry in out.items():
        mine = next((layer for aid, layer, *_ in parts[app_id] if aid == actor.association_id), None)
        if entry["kind"] == "transfer":
            entry["moves"] = "、".join(f"{'転出' if action == PartAction.LEAVE else '転入'}: {name}"
                                      for _, _, action, _, _, name in parts[app_id] if name)
        if mine is not None:  # what the layers below decided, nearest first, with the day
            entry["below"] = "、".join(
                f"{name} {PART_DECISION_WORDS.get(status, status)} {as_jst(decided):%m/%d}"
                for _, layer, _, status, decided, name in sorted(parts[app_id], key=lambda p: p[1])
                if layer is not None and layer > mine and decided is not None)
        entry["notes"] = "　".join(x for x in (
            entry["moves"],
            f"退会事由: {reasons.get(entry['reason'], entry['reason'])}" if entry["kind"] == "withdrawal"
            and entry["reason"] else "",
            f"下位の審査: {entry['below']}" if entry["below"] else "") if x)
    return out


#: a part's decision as the board material writes it
PART_DECISION_WORDS = {PartStatus.APPROVED: "承認", PartStatus.REJECTED: "却下", PartStatus.RETURNED: "差戻し"}


def undecided_joins(app: Application) -> list[ApplicationPart]:
    """The parts of an application whose member category may still be chosen again (amendment)."""
    return [p for p in app.parts if p.action == PartAction.JOIN
            and p.status in UNDECIDED_PART]


def cancel_refusal(app: Application) -> str | None:
    """Why the applicant can no longer withdraw (削除) the application, or None: it is decided."""
    if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED):
        return "not_cancellable"
    return None


def kept_on_cancel(app: Application) -> list[str]:
    """The associations whose membership an enrolment's 削除 leaves standing: those that approved
    it already (the membership began on approval; it ends by a withdrawal). The member is told
    before and after cancelling."""
    if app.kind != "enrolment":
        return []
    return [part.association.name for part in app.parts if part.status == PartStatus.APPROVED]


def cancel(session: Session, actor: Actor, app: Application) -> None:
    """Withdraw a pending application: undecided parts are cancelled, approved ones stand.

    Raises Conflict (via the caller) when the application is no longer pending.
    """
    for part in app.parts:
        if part.status in UNDECIDED_PART:
            transition(part, PartStatus.CANCELLED, PART_TRANSITIONS)
    transition(app, ApplicationStatus.CANCELLED, APPLICATION_TRANSITIONS)
    app.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # the applicant is told (the cancel may have been done for them, or by someone with their login)
    _mail_applicant(session, app, "application_cancelled", kind=KIND_LABELS.get(app.kind, app.kind),
                    kind_en=KIND_LABELS_EN.get(app.kind, "application"), application_id=app.id,
                    kept=kept_on_cancel(app), office=app.kind == "session")
    _tell_co_organisers(session, app, rejected=False)
    audit.record(session, actor, "application.cancel", "application", app.id,
                 on_behalf_of_user_id=app.applicant_user_id if app.applicant_user_id != actor.user_id else None)


# --- reading --------------------------------------------------------------------------------

def _no_task_holders(session: Session, application_id: int) -> set[int]:
    return set()


#: (session, application id) -> the associations a process asked to decide on the application (the
#: holders of its review tasks). The engine sets it at import: this package knows nothing of its tables.
task_holders = _no_task_holders


def can_see_application(session: Session, actor: Actor, app: Application) -> bool:
    """Scope rule for applications: the applicant, or a secretariat one of whose parts it is — or
    whom its process asked to decide on it (a designer's added step, e.g. JMA's final check of an
    application that names no JMA part: what an office is asked to decide, it sees)."""
    if actor.role == "member":
        return app.applicant_user_id == actor.user_id
    if actor.is_secretariat:
        if app.kind == "session" and session.scalar(sa.select(TrainingSession.organiser_association_id).where(
                TrainingSession.application_id == app.id)) == actor.association_id:
            return True  # the organiser's office: it follows (and amends) what it applied for
        return any(p.association_id == actor.association_id for p in app.parts) or (
            actor.association_id in task_holders(session, app.id))
    return actor.role == "admin"


def get_application(session: Session, actor: Actor, application_id: int, on_behalf: bool = False) -> Application:
    """Raises NotFound when missing or outside the actor's scope.

    `on_behalf`: a secretariat acting for the applicant sees the applications of the members of
    its association (the member's own scope), not only those reviewed by it.
    """
    app = session.get(Application, application_id, options=[
        selectinload(Application.parts).selectinload(ApplicationPart.association),
        selectinload(Application.parts).selectinload(ApplicationPart.category)])
    visible = app is not None and (can_see_application(session, actor, app) or (
        on_behalf and actor.is_secretariat and members.can_act_for(session, actor, app.physician_id)))
    if not visible:
        raise NotFound()
    return app


def applications_of(session: Session, actor: Actor) -> list[Application]:
    stmt = (sa.select(Application).where(Application.applicant_user_id == actor.user_id)
            .options(selectinload(Application.parts).selectinload(ApplicationPart.association),
                     selectinload(Application.parts).selectinload(ApplicationPart.category))
            .order_by(Application.created_at.desc(), Application.id.desc()))
    return list(session.scalars(stmt))


#: a decided (or cancelled) application stays among My Page's current ones this many days; older
#: ones are listed under 過去の申請
RECENT_DAYS = 30


def split_recent(apps: list[Application]) -> tuple[list[Application], list[Application]]:
    """(open or decided in the last RECENT_DAYS, the older decided ones), order kept."""
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=RECENT_DAYS)
    recent, older = [], []
    for a in apps:
        current = a.status in OPEN_APPLICATION or a.decided_at is None or a.decided_at >= since
        (recent if current else older).append(a)
    return recent, older


def groups_changing(apps: list[Application]) -> set[int]:
    """The groups with a membership change (enrolment, withdrawal, transfer) pending among `apps`:
    no 追加入会 is offered beside one."""
    return {a.group_id for a in apps if a.kind in MEMBERSHIP_KINDS and a.status in OPEN_APPLICATION}


def of_member(session: Session, actor: Actor, physician_id: int) -> list[Application]:
    """A member's applications that the actor may see (a secretariat: those with a part for its
    association; an administrator: all), newest first, with their parts. For the member's page."""
    stmt = (sa.select(Application).where(Application.physician_id == physician_id)
            .options(selectinload(Application.parts).selectinload(ApplicationPart.association))
            .order_by(Application.created_at.desc(), Application.id.desc()))
    if actor.is_secretariat:
        stmt = stmt.where(Application.id.in_(sa.select(ApplicationPart.application_id).where(
            ApplicationPart.association_id == actor.association_id)))
    elif actor.role != "admin":
        return []
    return list(session.scalars(stmt))


def application_dict(app: Application) -> dict:
    return {
        "id": app.id,
        "kind": app.kind,
        "status": app.status,
        "created_at": app.created_at.isoformat() + "Z",
        "desired_date": app.desired_date.isoformat() if app.desired_date else None,
        "facility_id": app.facility_id,
        "duty_code": app.duty_code,
        "position": app.position,
        "parts": [{
            "association": p.association.code,
            "association_name": p.association.name,
            "layer": p.layer,
            "action": p.action,
            "category": p.category.code if p.category else None,
            "status": PART_PUBLIC_STATUS.get(PartStatus(p.status), PartStatus(p.status)).value,
            "comment": p.comment,
        } for p in app.parts],
    }


def summary(session: Session, application_id: int) -> dict:
    """What the inbox shows and filters on, copied onto each human task of the application.

    Inside an engine step the application and its physician are already loaded (no query).
    """
    app = session.get(Application, application_id)
    if app is None:
        return {}
    p = app.physician
    if p is None:  # a training session's approval: the organiser and the title
        payload = app.payload or {}
        name = f"{payload.get('organiser', '')} {payload.get('title', '')}"
        organiser = payload.get("organiser_id")
        if organiser is None and app.id is not None:  # filed before the payload named it
            with session.no_autoflush:
                organiser = session.scalar(sa.select(TrainingSession.organiser_association_id)
                                           .where(TrainingSession.application_id == app.id))
        return {"application_kind": app.kind, "applicant_name": name[:70], "applicant_kana": "",
                "applicant_registry": "", "origin_association_id": organiser}
    lowest = min(app.parts, key=lambda part: (-part.layer, part.seq), default=None)
    return {"application_kind": app.kind, "applicant_name": p.full_name[:70],
            "applicant_kana": f"{p.family_kana} {p.given_kana}".strip()[:130],
            "applicant_registry": p.registry_number or "",
            # (a part filed in this step has its association object, not yet its id)
            "origin_association_id": None if lowest is None else
            lowest.association_id if lowest.association_id is not None else lowest.association.id}


def physician_of(session: Session, app: Application) -> Physician | None:
    return session.get(Physician, app.physician_id) if app.physician_id else None


# --- mail -----------------------------------------------------------------------------------

def applicant_contact(session: Session, app: Application) -> tuple[str, str]:
    """(name, mail address) of whoever applied: the physician, or — for a training session's
    approval, which has no physician — the organiser's secretariat account, or its office's address
    when the account has none (staff accounts often have no address of their own).

    The account is read only when needed, and without an autoflush: this runs inside every
    engine step that mails, and a flush in the middle splits the step's one flush in two."""
    if app.physician_id is not None and app.physician.email:
        return app.physician.full_name, app.physician.email
    with session.no_autoflush:
        account = session.get(UserAccount, app.applicant_user_id)
    if app.physician_id is None:
        address = account.email if account else ""
        if not address and account is not None and account.association_id is not None:
            with session.no_autoflush:
                office = session.get(Association, account.association_id)
            address = office.email if office else ""
        return (account.display_name if account else ""), address
    return app.physician.full_name, account.email if account else ""


def _mail_applicant(session: Session, app: Application, template: str, **context):
    """Mail the applicant (membership/mail_templates/<template>.txt) with the parts' statuses, in the
    language the application was filed in (its payload's `lang`, set only for English: no read of
    the account in the steps that mail)."""
    name, address = applicant_contact(session, app)
    lang = mail.language(template, (app.payload or {}).get("lang", "ja"))
    if died(app):  # filed for a member who died: the mails reach the family, and say so
        context.setdefault("late", True)
    context.setdefault("desired", f"{app.desired_date:%Y/%m/%d}" if app.desired_date else "")
    context.setdefault("application_id", app.id)  # what a member quotes when they call the office
    if app.physician_id is not None and app.parts:
        # whom to ask: the office nearest the member among those applied to (the mail itself is
        # sent from an address no one reads)
        with session.no_autoflush:
            office = app.parts[0].association
        if office.tel or office.email:
            context.setdefault("office_contact", {"name": office.name, "tel": office.tel, "email": office.email})
    labels = PART_LABELS_EN if lang == "en" else PART_LABELS
    # as the application's page lists the parts: the first one undecided is under review (at the
    # receipt its review is about to open), the ones after it not reached yet
    first_open = next((p for p in app.parts if p.status in UNDECIDED_PART), None)
    shown = [labels["in_review"] if p is first_open and p.status == PartStatus.PENDING
             else labels.get(p.status, p.status) for p in app.parts]
    return mail.send(session, address, template, lang=lang, name=name, parts=app.parts, part_labels=shown,
                     **context)


def died(app: Application) -> bool:
    """A withdrawal filed because the member died (退会理由「死亡」)."""
    return app.kind == "withdrawal" and (app.payload or {}).get("reason") == "death"
