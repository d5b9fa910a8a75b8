"""Escalation of an overdue review: the service operation behind the enrolment's boundary timer.

The domain decides whom to tell and mails them (`membership.applications.escalate_part`); this
module marks the open review task so that the next layer's secretariat finds it in its inbox
(view 上位への通知) and may read it. Working it stays with the association it belongs to.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import applications
from membership.actors import Actor
from membership.db import utcnow
from membership.models import ApplicationPart, Association

from .models import HumanTask


def escalate(session: Session, actor: Actor, part_id: int) -> dict | None:
    target = applications.escalate_part(session, actor, part_id)
    if target is None:
        return None
    owner = sa.select(Association.id).join(ApplicationPart, ApplicationPart.association_id == Association.id) \
        .where(ApplicationPart.id == part_id).scalar_subquery()
    application = sa.select(ApplicationPart.application_id).where(ApplicationPart.id == part_id).scalar_subquery()
    session.execute(sa.update(HumanTask).where(
        HumanTask.application_id == application, HumanTask.association_id == owner,
        HumanTask.kind == "review", HumanTask.status == "open")
        .values(escalated_at=utcnow(), escalated_to_association_id=target["association_id"]))
    return target
