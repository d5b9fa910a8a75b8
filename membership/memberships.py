"""Memberships and their history, and the one invariant of a group.

A group is the chain a physician joined through one facility (local → prefecture → JMA). Within a
group, a membership at layer k may be active only while the memberships planned below it in that
chain are active. `check_chain_below` is the single place that rule lives; every path that
activates a membership goes through `activate_membership`.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit
from .actors import Actor
from .errors import Conflict
from .fields import today_jst
from .models import Application, ApplicationPart, Membership, MembershipEvent, MembershipGroup, Physician
from .statuses import MembershipStatus, PartAction


class ChainBroken(Conflict):
    """Activating this membership would leave a lower layer of its chain without a membership."""

    message_key = "chain_broken"


class AlreadyMember(Conflict):
    """The physician is an active member of the association already (in another group)."""

    message_key = "member_already_here"


def check_chain_below(group: MembershipGroup, layer: int, planned_association_ids: set[int]) -> None:
    """Raise ChainBroken unless every planned association below `layer` is an active membership.

    `planned_association_ids` are the group's associations below `layer` that the caller's
    application also asks for; existing memberships of the group below `layer` count too.
    """
    # loaded once; includes memberships added in this transaction. A membership a transfer ended
    # is out of the chain (its replacement, if any, is in it).
    rows = [m for m in group.memberships if m.status != MembershipStatus.MOVED]
    active = {m.association_id for m in rows if m.status == MembershipStatus.ACTIVE}
    needed = set(planned_association_ids) | {m.association_id for m in rows if m.layer > layer}
    missing = needed - active
    if missing:
        raise ChainBroken(group_id=group.id, layer=layer, missing=sorted(missing))


def activate_membership(session: Session, actor: Actor, part: ApplicationPart) -> Membership:
    """Start the membership that an approved `join` part asks for. Raises ChainBroken, and
    AlreadyMember when the physician became a member of the association meanwhile (an import, which
    refuses such a row, is the only other way in: this is the last guard against a second one)."""
    app: Application = part.application
    with session.no_autoflush:
        held = session.scalars(sa.select(Membership.id).where(
            Membership.physician_id == app.physician_id, Membership.association_id == part.association_id,
            Membership.status == MembershipStatus.ACTIVE.value)).all()
        # as this step left them (a transfer ends its memberships before it starts the new ones)
        if any(session.get(Membership, mid).status == MembershipStatus.ACTIVE for mid in held):
            raise AlreadyMember(association_id=part.association_id)
    if app.group is None:
        app.group = MembershipGroup(physician_id=app.physician_id, facility_id=app.facility_id,
                                    home_member=(app.payload or {}).get("facility_mode") == "home")
    below = {p.association_id for p in app.parts
             if p.action == PartAction.JOIN and p.layer > part.layer}
    check_chain_below(app.group, part.layer, below)
    # never before a membership below it in the group begins (checked at filing; a lower one
    # approved meanwhile with a later date moves this one with it)
    starts = max([app.desired_date or today_jst()] + [
        m.since for m in app.group.memberships if m.status == MembershipStatus.ACTIVE and m.layer > part.layer])
    membership = Membership(
        group=app.group, physician_id=app.physician_id, association_id=part.association_id,
        category_id=part.category_id, layer=part.layer, status=MembershipStatus.ACTIVE.value,
        since=starts,
    )
    session.add(membership)
    session.add(MembershipEvent(
        membership=membership, physician_id=app.physician_id, association_id=part.association_id,
        kind="joined", on_date=membership.since, actor_user_id=actor.user_id or None,
        application_id=app.id,
    ))
    # on the membership itself (its id at the step's flush), as its end is: an administrator finds
    # both when searching for it
    audit.record(session, actor, "membership.activate", "membership", membership,
                 association_id=part.association_id, application_id=app.id, part_id=part.id)
    if part.layer == 1:
        assign_jma_member_id(session, actor, app.physician)
    return membership


def assign_jma_member_id(session: Session, actor: Actor, physician: Physician) -> str:
    """A new JMA member's 10-digit ID: 3 followed by 9 random digits, unique, never reassigned.

    Random rather than a counter so that two JMA approvals at once cannot pick the same number;
    the unique constraint is the last guard (the step would then roll back whole and be retried).
    """
    if physician.jma_member_id:
        return physician.jma_member_id
    for _ in range(20):
        candidate = "3" + "".join(secrets.choice("0123456789") for _ in range(9))
        with session.no_autoflush:  # the step's one flush comes at its end
            taken = session.scalar(sa.select(Physician.id).where(Physician.jma_member_id == candidate))
        if taken is None:
            physician.jma_member_id = candidate
            audit.record(session, actor, "physician.jma_member_id", "physician", physician.id, jma_member_id=candidate)
            return candidate
    raise RuntimeError("no free JMA member ID found")


def check_group(group: MembershipGroup) -> None:
    """The group invariant over all its memberships: every active one has every membership below
    it active. Raises ChainBroken (used after ending memberships: the cascade must hold)."""
    for m in group.memberships:
        if m.status == MembershipStatus.ACTIVE:
            check_chain_below(group, m.layer, set())


def end_membership(session: Session, actor: Actor, membership: Membership, on_date: dt.date,
                   application_id: int | None, status: MembershipStatus = MembershipStatus.ENDED) -> None:
    """End an active membership on `on_date` (its last day), with its history event. A transfer
    ends with status MOVED (the membership leaves the group's chain)."""
    membership.status = status.value
    membership.until = on_date
    session.add(MembershipEvent(
        membership=membership, physician_id=membership.physician_id, association_id=membership.association_id,
        kind="left", on_date=on_date, actor_user_id=actor.user_id or None, application_id=application_id))
    audit.record(session, actor, "membership.end", "membership", membership.id,
                 association_id=membership.association_id, application_id=application_id)


def holds_any(session: Session, physician_id: int) -> bool:
    """Whether the physician is a member of some association (now, or from a date approved): a
    non-member (研修会 only) has no transfer, withdrawal, member card or fee reduction to ask for."""
    return session.scalar(sa.select(sa.exists().where(Membership.physician_id == physician_id,
                                                      Membership.status == MembershipStatus.ACTIVE))) or False


def memberships_of(session: Session, physician_id: int) -> list[Membership]:
    stmt = (sa.select(Membership).where(Membership.physician_id == physician_id)
            .options(selectinload(Membership.association), selectinload(Membership.category))
            .order_by(Membership.group_id, Membership.layer.desc()))
    return list(session.scalars(stmt))


#: My Page shows JMA membership this long and more as "20年以上", as the seed's header does
LONG_STANDING_YEARS = 20


def jma_years(rows: list[Membership], today: dt.date) -> int | None:
    """Full years of the physician's current JMA membership (the seed's header: 日本医師会 20年以上),
    or None for a physician who is not a JMA member today. A transfer keeps the JMA membership, so
    its start is the start of the member's time at JMA."""
    starts = [m.since for m in rows if m.layer == 1 and m.status == MembershipStatus.ACTIVE and m.since <= today]
    if not starts:
        return None
    since = min(starts)
    return today.year - since.year - ((today.month, today.day) < (since.month, since.day))


def membership_dict(m: Membership, today: dt.date | None = None) -> dict:
    """A membership as the API writes it: `status` as stored (active, ended, moved) and `standing`
    as the screens say it — an active one whose date is still ahead is `upcoming` (入会予定)."""
    upcoming = m.status == MembershipStatus.ACTIVE and m.since > (today or today_jst())
    return {
        "association": m.association.code,
        "association_name": m.association.name,
        "layer": m.layer,
        "category": m.category.code,
        "status": m.status,
        "standing": "upcoming" if upcoming else m.status,
        "since": m.since.isoformat(),
        "until": m.until.isoformat() if m.until else None,
        "group": m.group_id,
    }


def history_of(session: Session, physician_id: int) -> list[dict]:
    stmt = (sa.select(MembershipEvent).where(MembershipEvent.physician_id == physician_id)
            .options(selectinload(MembershipEvent.association))
            .order_by(MembershipEvent.at.desc(), MembershipEvent.id.desc()))
    return [{
        "kind": e.kind, "association": e.association.code, "association_name": e.association.name,
        "on_date": e.on_date.isoformat(), "at": e.at.isoformat() + "Z", "application_id": e.application_id,
    } for e in session.scalars(stmt)]


def physician(session: Session, physician_id: int) -> Physician | None:
    return session.get(Physician, physician_id)
