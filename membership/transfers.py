"""Transfer (異動届, SPEC §6): a member moves one group to a new facility and new associations.

The member names the new facility and the new local chain (layer 4 and/or 3, each with a member
category); the prefecture follows from the new layer 3 and, when it changes, needs a category too.
The system derives the parts: for each of layers 4, 3 and 2 whose association changes, a `leave`
of the old one and a `join` of the new one; an association that stays has no part. JMA keeps the
membership and records the move with a `transfer` part. Every part is reviewed, bottom layer
first (the transfer process). Nothing of the old membership ends until every part is approved;
then, on the effective date (the process's timer), the leaves and joins apply in one transaction
and the group moves to the new facility. A rejection of any part leaves the member as before.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from . import audit, fields, memberships
from .actors import Actor
from .applications import (
    _app,
    _mail_applicant,
    _parse_date,
    check_duty,
    check_not_before_start,
    facility_mode,
    lock_applicant,
    pending_on_group,
    record_submission,
    resolve_applicant,
)
from .associations import get_by_codes, get_facility
from .calendar import JST
from .errors import ValidationFailed
from .models import Application, ApplicationPart, MembershipEvent
from .statuses import (
    APPLICATION_TRANSITIONS,
    ApplicationStatus,
    MembershipStatus,
    PartAction,
    PartStatus,
    transition,
)
from .withdrawals import groups_of, named_group


def plan(session: Session, physician_id: int, data: dict, actor: Actor | None = None) -> dict:
    """Check a transfer body and derive its parts. Raises ValidationFailed naming fields.

    The body is API.md's (`desired_date`, `facility_id`, `duty_code`, `position`, `associations`);
    `group_id` names the group that moves, needed only when the member has more than one.
    Returns {group, facility, effective_date, duty_code, position, parts: [(action, association,
    category)] bottom layer first, leaves before joins within a layer}.
    """
    errors: dict[str, tuple[str, dict]] = {}
    known = {"kind", "group_id", "facility_id", "facility_name", "duty_code", "position", "desired_date",
             "associations", "on_behalf_of"}
    for extra in sorted(set(data) - known):
        errors[extra] = ("unknown_field", {})
    group = _group(session, physician_id, data.get("group_id"), actor, errors)
    if group is not None:
        pending = pending_on_group(session, physician_id, group)
        if pending is not None:
            errors["group_id"] = ("group_has_pending_application", {"application_id": pending})
    facility, mode, facility_name = None, "facility", ""
    if data.get("facility_id") in (None, ""):
        errors["facility_id"] = ("choose", {})
    elif facility_mode(data["facility_id"]):
        # 未定・一覧にない (with the name, if known), or 自宅会員: the new place has no facility row
        mode = data["facility_id"]
        if mode == "undecided":
            try:
                facility_name = fields.text(data.get("facility_name"), 50)
            except fields.FieldError as exc:
                errors["facility_name"] = (exc.key, exc.params)
    else:
        facility = get_facility(session, data["facility_id"])
        if facility is None:
            errors["facility_id"] = ("unknown_facility", {})
    effective = _parse_date(data.get("desired_date"), "desired_date", errors)
    duty, position = check_duty(data, errors, home=mode == "home")
    if mode == "home":  # no workplace: a duty or position chosen before switching to 自宅会員 does not stand
        duty, position = "", ""
    chosen = data.get("associations")
    new_chain: dict[int, tuple] = {}
    if not isinstance(chosen, list) or not chosen:
        errors["associations"] = ("choose", {})
    else:
        found = get_by_codes(session, [str(c.get("code", "")) for c in chosen if isinstance(c, dict)])
        for i, choice in enumerate(chosen):
            code = str(choice.get("code", "")) if isinstance(choice, dict) else ""
            if isinstance(choice, dict) and not isinstance(choice.get("code", ""), str):
                errors[f"associations[{i}].code"] = ("invalid", {})
                continue
            association = found.get(code)
            if association is None:
                errors[f"associations[{i}].code"] = ("unknown_association", {"code": code})
                continue
            cat_code = str(choice.get("category") or "")
            if association.layer == 1:  # JMA membership continues: naming it, as an enrolment does, changes nothing
                _check_jma(group, association, cat_code, i, errors)
                continue
            category = next((c for c in association.categories if c.code == cat_code), None)
            if cat_code and category is None:
                errors["associations"] = ("unknown_category", {"code": cat_code, "association": association.name})
            if association.layer in new_chain:
                errors["associations"] = ("duplicate_layer", {"layer": association.layer})
            new_chain[association.layer] = (association, category)
    if group is not None and not errors.get("associations") and new_chain:
        _complete_chain(session, group, new_chain, chosen, errors)
    if errors:
        raise ValidationFailed(errors, context="transfer")
    old = {m.layer: m for m in group.memberships if m.status == MembershipStatus.ACTIVE}
    parts: list[tuple[PartAction, object, object]] = []
    for layer in (4, 3, 2):
        before, after = old.get(layer), new_chain.get(layer)
        if before is not None and after is not None and before.association_id == after[0].id:
            continue  # stays
        if before is not None:
            parts.append((PartAction.LEAVE, before.association, before.category))  # the category left
        if after is not None:
            parts.append((PartAction.JOIN, after[0], after[1]))
    same_place = (facility.id == group.facility_id) if facility is not None else \
        (mode == "home" and group.home_member and group.facility_id is None)
    if not parts and same_place:
        raise ValidationFailed({"associations": ("no_change", {})}, context="transfer")
    left = {association.id for action, association, _ in parts if action == PartAction.LEAVE}
    check_not_before_start(effective, [m for m in old.values() if m.association_id in left], False, errors)
    if errors:
        raise ValidationFailed(errors, context="transfer")
    return {"group": group, "facility": facility, "facility_mode": mode, "facility_name": facility_name,
            "effective_date": effective, "duty_code": duty, "position": position, "parts": parts,
            # JMA reviews no part (its membership continues): the move is recorded on it when applied
            "recorded_by": old[1].association if 1 in old else None}


def _check_jma(group, association, cat_code: str, index: int, errors: dict) -> None:
    """JMA named among a transfer's associations: only the JMA membership the group keeps, with its
    own category (a transfer neither joins JMA nor changes a category)."""
    kept = None if group is None else next(
        (m for m in group.memberships if m.association_id == association.id and m.status == MembershipStatus.ACTIVE),
        None)
    if group is not None and kept is None:
        errors[f"associations[{index}].code"] = ("jma_not_by_transfer", {})
    elif kept is not None and cat_code and cat_code != kept.category.code:
        errors["associations"] = ("category_kept", {"association": association.name})


def _group(session: Session, physician_id: int, group_id, actor: Actor | None, errors: dict):
    """The group that moves: the one `group_id` names, else the member's only group."""
    groups = groups_of(session, physician_id, actor)
    if group_id not in (None, ""):
        return named_group(groups, group_id, errors)
    if len(groups) == 1:
        return groups[0]
    errors["group_id"] = ("choose", {})
    return None


def _complete_chain(session, group, new_chain: dict, chosen, errors: dict) -> None:
    """Make `new_chain` one whole chain, or say why not (field `associations`).

    A new district needs its city association (kept if it is the old one); the prefecture follows
    the new layer 3 when the old group had one (its category kept if it is the same prefecture,
    else the member chooses one); every association newly joined needs a member category.
    """
    old = {m.layer: m for m in group.memberships if m.status == MembershipStatus.ACTIVE}
    field = "associations"
    if 4 in new_chain and 3 not in new_chain:
        parent = new_chain[4][0].parent
        if old.get(3) is not None and parent is not None and old[3].association_id == parent.id:
            new_chain[3] = (parent, old[3].category)
        else:
            errors[field] = ("gap_in_chain", {"lower": new_chain[4][0].name, "layer": 3})
            return
    if 3 not in new_chain:
        errors[field] = ("gap_in_chain", {"lower": new_chain[min(new_chain)][0].name, "layer": 3})
        return
    if 4 in new_chain and new_chain[4][0].parent_id != new_chain[3][0].id:
        errors[field] = ("broken_chain", {"lower": new_chain[4][0].name, "upper": new_chain[3][0].name})
        return
    prefecture = new_chain[3][0].parent
    if 2 in new_chain:
        if prefecture is None or new_chain[2][0].id != prefecture.id:
            errors[field] = ("broken_chain", {"lower": new_chain[3][0].name, "upper": new_chain[2][0].name})
            return
    elif 2 in old:
        if prefecture is not None and old[2].association_id == prefecture.id:
            new_chain[2] = (prefecture, old[2].category)
        else:
            errors[field] = ("choose_prefecture_category", {"association": prefecture.name if prefecture else ""})
            return
    for layer, (association, category) in list(new_chain.items()):
        stays = old.get(layer) is not None and old[layer].association_id == association.id
        if stays and category is not None and category.id != old[layer].category_id:
            errors[field] = ("category_kept", {"association": association.name})
            return
        if category is None:
            if old.get(layer) is not None and old[layer].association_id == association.id:
                new_chain[layer] = (association, old[layer].category)
            else:
                errors[field] = ("choose_category", {"association": association.name})
                return


def file_transfer(session: Session, actor: Actor, data: dict) -> Application:
    """Store a transfer with its derived parts. Raises ValidationFailed, Forbidden."""
    applicant = resolve_applicant(session, actor, data.get("on_behalf_of"))
    lock_applicant(session, applicant.physician_id)  # the "nothing pending" checks hold until the commit
    clean = plan(session, applicant.physician_id, data, actor)
    group = clean["group"]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    app = Application(
        kind="transfer", status=ApplicationStatus.SUBMITTED.value, physician=applicant.physician,
        applicant_user_id=applicant.id, filed_by_user_id=actor.user_id, group_id=group.id,
        desired_date=clean["effective_date"], facility=clean["facility"], duty_code=clean["duty_code"],
        position=clean["position"], submitted_at=now,
        payload={"from_facility_id": group.facility_id, "facility_mode": clean["facility_mode"],
                 **({"facility_name": clean["facility_name"]} if clean["facility_name"] else {}),
                 "parts": [{"action": a.value, "code": assoc.code, "category": cat.code if cat else None}
                           for a, assoc, cat in clean["parts"]]},
        parts=[ApplicationPart(seq=seq, association=assoc, layer=assoc.layer, action=action.value, category=cat,
                               status=PartStatus.PENDING.value)
               for seq, (action, assoc, cat) in enumerate(clean["parts"])],
    )
    return record_submission(session, actor, applicant, app)


# --- the operations the transfer process names -------------------------------------------------

def effective_at(session: Session, actor: Actor, application_id: int) -> str:
    """The start of the effective date (00:00 JST), as an ISO UTC timestamp for the timer."""
    app = _app(session, application_id)
    return dt.datetime.combine(app.desired_date, dt.time(), tzinfo=JST).astimezone(dt.UTC).isoformat()


def apply_transfer(session: Session, actor: Actor, application_id: int) -> bool:
    """Every part approved and the date has come: the leaves and joins apply together, bottom
    layer first; the group moves to the new facility; JMA's membership records the move.
    Raises ChainBroken (the whole step rolls back)."""
    app = _app(session, application_id)
    group = app.group
    day = app.desired_date
    by_association = {m.association_id: m for m in group.memberships}
    for part in app.parts:
        if part.action == PartAction.LEAVE:
            m = by_association.get(part.association_id)
            if m is not None and m.status == MembershipStatus.ACTIVE:
                memberships.end_membership(session, actor, m, day - dt.timedelta(days=1), app.id,
                                           MembershipStatus.MOVED)
    for part in sorted((p for p in app.parts if p.action == PartAction.JOIN), key=lambda p: -p.layer):
        memberships.activate_membership(session, actor, part)
    # JMA's membership continues and records the move (an application filed before 2026-12 has a
    # `transfer` part of JMA's as well: the record is the same)
    jma = next((m for m in group.memberships if m.layer == 1 and m.status == MembershipStatus.ACTIVE), None)
    if jma is not None:
        session.add(MembershipEvent(membership=jma, physician_id=app.physician_id, association_id=jma.association_id,
                                    kind="transferred", on_date=day, actor_user_id=actor.user_id or None,
                                    application_id=app.id))
    group.facility_id = app.facility_id
    # a move to no facility (未定, 自宅会員) leaves the group with none; 自宅会員 is said so
    group.home_member = (app.payload or {}).get("facility_mode") == "home"
    memberships.check_group(group)
    transition(app, ApplicationStatus.COMPLETED, APPLICATION_TRANSITIONS)
    audit.record(session, actor, "application.complete", "application", app.id, kind=app.kind)
    _mail_applicant(session, app, "transfer_done")
    return True
