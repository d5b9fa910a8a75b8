"""Escalation of an overdue review: the service operation behind the enrolment's boundary timer.

The domain decides whom to tell and mails them (`membership.applications.escalate_part`); this
module marks the open review task so that the next layer's secretariat finds it in its inbox
(view 上位への通知) and may read it. Working it stays with the association it belongs to.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import applications, audit
from membership.actors import Actor
from membership.db import utcnow
from membership.models import ApplicationPart, Association, AuditEvent

from .models import HumanTask

#: session.info key: escalations whose review task did not exist yet, {(application, association): (at, to)}
PENDING = "mamis.pending_escalations"


def escalate(session: Session, actor: Actor, part_id: int) -> dict | None:
    """The timer looks (daily, from the deadline on): the next layer is told once, when the part's
    open review is overdue by its own due date — a review returned and filed again has a new one,
    so the first look may come too early, and a look while it is with the applicant finds nothing."""
    application_id, owner_id = session.execute(sa.select(ApplicationPart.application_id, Association.id)
                                               .join(Association, ApplicationPart.association_id == Association.id)
                                               .where(ApplicationPart.id == part_id)).one()
    now = utcnow()
    with session.no_autoflush:
        review = session.execute(sa.select(HumanTask.due_at, HumanTask.escalated_at).where(
            HumanTask.application_id == application_id, HumanTask.association_id == owner_id,
            HumanTask.kind == "review", HumanTask.status == "open")).first()
    if review is not None and review.escalated_at is not None:
        return None  # told already
    if review is not None and review.due_at is not None and review.due_at >= now:
        # not overdue (yet) by the review's own due date: a daily cycle looks again tomorrow; a
        # timer that fires once (a version deployed before the cycle, or a designer's) does not —
        # the look is recorded, and the morning job escalates the review once it is overdue
        if not _looked_early(session, part_id):
            audit.record(session, actor, "part.escalate_early", "application_part", part_id)  # EARLY_LOOK
        return None
    if (application_id, owner_id) in session.info.get(PENDING, {}):
        return None  # told in this same step, before its review task exists (a cycle's missed looks fire together)
    target = applications.escalate_part(session, actor, part_id)
    if target is None:
        return None
    marked = session.execute(sa.update(HumanTask).where(
        HumanTask.application_id == application_id, HumanTask.association_id == owner_id,
        HumanTask.kind == "review", HumanTask.status == "open")
        .values(escalated_at=now, escalated_to_association_id=target["association_id"]))
    if marked.rowcount == 0:
        # The deadline had passed before the review began (a timer already due when it started
        # waiting fires in the same step): the task is created after this; `take_pending` marks it.
        session.info.setdefault(PENDING, {})[(application_id, owner_id)] = (now, target["association_id"])
    return target


#: the audit action of a look that came before the review was overdue (escalate_late finds them)
EARLY_LOOK = "part.escalate_early"


def _looked_early(session: Session, part_id: int) -> bool:
    return session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == EARLY_LOOK, AuditEvent.object_type == "application_part",
        AuditEvent.object_id == part_id).limit(1)) is not None


def escalate_late(session: Session, actor: Actor) -> int:
    """The morning job: the reviews whose escalation look came early (EARLY_LOOK) and that are now
    overdue, still open and not escalated are escalated as the timer would have — whatever version
    of the process the application runs. Returns how many."""
    now = utcnow()
    looked = sa.select(AuditEvent.object_id).where(AuditEvent.action == EARLY_LOOK,
                                                   AuditEvent.object_type == "application_part")
    parts = session.scalars(sa.select(ApplicationPart.id).join(HumanTask, sa.and_(
        HumanTask.application_id == ApplicationPart.application_id,
        HumanTask.association_id == ApplicationPart.association_id)).where(
        ApplicationPart.id.in_(looked), ApplicationPart.status == "in_review", HumanTask.kind == "review",
        HumanTask.status == "open", HumanTask.escalated_at.is_(None), HumanTask.due_at < now).distinct()).all()
    return sum(1 for part_id in parts if escalate(session, actor, part_id) is not None)


def take_pending(session: Session, application_id: int | None, association_id: int | None) -> dict:
    """The escalation marks waiting for a review task being created ({} when none)."""
    found = session.info.get(PENDING, {}).pop((application_id, association_id), None)
    return {"escalated_at": found[0], "escalated_to_association_id": found[1]} if found else {}
