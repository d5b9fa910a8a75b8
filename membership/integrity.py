"""Whole-database checks of the domain's invariants (`flask check integrity`; the tests run them
after every scenario). Each check returns human-readable problems; an empty list means sound.

- The group invariant: an active membership has every membership below it in its group active,
  and a group active at JMA is active at a prefecture (only layers 3 and 4 may be skipped).
- No membership half-applied: an approved `join` part has its membership, a completed withdrawal
  ended every membership it names, an active membership was joined (its history says so), and an
  application's status agrees with its parts'.
- Documents belong to exactly one draft or application and their bytes exist.
- A training session never gives more places than its capacity (until its report, which adds
  walk-ins), and nobody waits while a place is free.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import uploads
from .applications import EACH_DECIDES
from .models import (
    Application,
    ApplicationPart,
    Document,
    Membership,
    MembershipEvent,
    MembershipGroup,
    SessionRegistration,
    TrainingSession,
)
from .statuses import ApplicationStatus, MembershipStatus, PartAction, PartStatus

A, P = ApplicationStatus, PartStatus


def check_groups(session: Session) -> list[str]:
    problems = []
    groups = session.scalars(sa.select(MembershipGroup).options(selectinload(MembershipGroup.memberships)))
    for group in groups:
        by_layer = {m.layer: m for m in group.memberships if m.status != MembershipStatus.MOVED}
        held = {m.layer for m in group.memberships if m.status == MembershipStatus.ACTIVE}
        if 1 in held and 2 not in held:  # only layers 3 and 4 may be skipped (SPEC §1)
            problems.append(f"group {group.id}: active at JMA without a prefecture")
        for m in group.memberships:
            if m.status != MembershipStatus.ACTIVE:
                continue
            for layer, below in by_layer.items():
                if layer > m.layer and below.status != MembershipStatus.ACTIVE:
                    problems.append(f"group {group.id}: layer {m.layer} (association {m.association_id}) is active "
                                    f"but layer {layer} (association {below.association_id}) is {below.status}")
    return problems


def check_applications(session: Session) -> list[str]:
    problems = []
    apps = session.scalars(sa.select(Application).options(selectinload(Application.parts),
                                                          selectinload(Application.group)
                                                          .selectinload(MembershipGroup.memberships)))
    for app in apps:
        statuses = [p.status for p in app.parts]
        members = {m.association_id: m for m in (app.group.memberships if app.group else [])}
        if app.kind in EACH_DECIDES:  # each association decides its own part (a fee reduction)
            decided = all(s in (P.APPROVED, P.REJECTED) for s in statuses)
            if app.status == A.APPROVED and not (decided and P.APPROVED in statuses):
                problems.append(f"application {app.id}: {app.status} with parts {statuses}")
            if app.status == A.REJECTED and not (decided and P.APPROVED not in statuses):
                problems.append(f"application {app.id}: rejected with parts {statuses}")
        elif app.status in (A.APPROVED, A.COMPLETED) and any(s != P.APPROVED for s in statuses):
            problems.append(f"application {app.id}: {app.status} with parts {statuses}")
        elif app.status == A.REJECTED and statuses.count(P.REJECTED) != 1:
            problems.append(f"application {app.id}: rejected with parts {statuses}")
        for part in app.parts:
            # an enrolment's join starts on approval; a transfer's joins all at once when it completes
            takes_effect = app.kind == "enrolment" or app.status == A.COMPLETED
            if part.action == PartAction.JOIN and part.status == P.APPROVED and takes_effect \
                    and part.association_id not in members:
                problems.append(f"application {app.id}: join of association {part.association_id} approved "
                                f"without a membership")
            if part.action == PartAction.LEAVE:
                m = members.get(part.association_id)
                if app.status == A.COMPLETED and (m is None or m.status == MembershipStatus.ACTIVE):
                    problems.append(f"application {app.id}: completed withdrawal left association "
                                    f"{part.association_id} active")
    return problems


def check_history(session: Session) -> list[str]:
    joined = sa.select(MembershipEvent.membership_id).where(MembershipEvent.kind == "joined")
    left = sa.select(MembershipEvent.membership_id).where(MembershipEvent.kind == "left")
    problems = [f"membership {i}: active without a joined event" for i in session.scalars(
        sa.select(Membership.id).where(Membership.status == MembershipStatus.ACTIVE, Membership.id.not_in(joined)))]
    problems += [f"membership {i}: ended without a left event or an end date" for i in session.scalars(
        sa.select(Membership.id).where(Membership.status.in_((MembershipStatus.ENDED, MembershipStatus.MOVED)),
                                       sa.or_(Membership.id.not_in(left), Membership.until.is_(None))))]
    return problems


def check_documents(session: Session, upload_root: Path | None) -> list[str]:
    problems = [f"document {i}: belongs to no draft and no application (or to both)" for i in session.scalars(
        sa.select(Document.id).where((Document.draft_id.is_(None)) == (Document.application_id.is_(None))))]
    if upload_root is not None:
        for doc_id, name in session.execute(sa.select(Document.id, Document.stored_name)):
            if not (upload_root / name).is_file():
                problems.append(f"document {doc_id}: file {name} is missing")
        problems += [f"upload {path.name}: no document names it" for path in uploads.orphan_files(session, upload_root)]
    return problems


def check_parts_of_open_applications(session: Session) -> list[str]:
    """An application under review has exactly one part being reviewed or returned at a time."""
    rows = session.execute(sa.select(ApplicationPart.application_id, sa.func.count()).join(Application).where(
        Application.status.in_((A.IN_REVIEW, A.RETURNED)),
        ApplicationPart.status.in_((P.IN_REVIEW, P.RETURNED))).group_by(ApplicationPart.application_id))
    return [f"application {app_id}: {n} parts under review at once" for app_id, n in rows if n != 1]


def check_sessions(session: Session) -> list[str]:
    """Places taken ≤ capacity before the report; a waiting list only while the session is full."""
    reg = SessionRegistration
    taken = sa.func.sum(sa.case((reg.status == "registered", 1), else_=0))
    waiting = sa.func.sum(sa.case((reg.status == "waiting", 1), else_=0))
    rows = session.execute(sa.select(TrainingSession.id, TrainingSession.capacity, taken, waiting)
                           .join(reg, reg.session_id == TrainingSession.id)
                           .where(TrainingSession.reported_at.is_(None))
                           .group_by(TrainingSession.id, TrainingSession.capacity))
    problems = []
    for session_id, capacity, n_taken, n_waiting in rows:
        if n_taken > capacity:
            problems.append(f"training session {session_id}: {n_taken} places taken of {capacity}")
        elif n_waiting and n_taken < capacity:
            problems.append(f"training session {session_id}: {n_waiting} waiting while {capacity - n_taken} "
                            "places are free")
    return problems


def check_one_membership_per_association(session: Session) -> list[str]:
    """A physician is a member of an association once (enrolment refuses `already_member`)."""
    twice = session.execute(
        sa.select(Membership.physician_id, Membership.association_id, sa.func.count())
        .where(Membership.status == MembershipStatus.ACTIVE.value)
        .group_by(Membership.physician_id, Membership.association_id).having(sa.func.count() > 1))
    return [f"physician {physician_id}: {n} active memberships of association {association_id}"
            for physician_id, association_id, n in twice]


def check(session: Session, upload_root: Path | None = None) -> list[str]:
    return (check_groups(session) + check_one_membership_per_association(session) + check_applications(session)
            + check_history(session)
            + check_parts_of_open_applications(session) + check_documents(session, upload_root)
            + check_sessions(session))
