"""The audit trail: one row per state change, with who acted and for whom."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .actors import Actor
from .models import AuditEvent


def record(session: Session, actor: Actor | None, action: str, object_type: str, object_id: int | None,
           on_behalf_of_user_id: int | None = None, **detail) -> AuditEvent:
    event = AuditEvent(
        actor_user_id=actor.user_id if actor and actor.user_id else None,
        on_behalf_of_user_id=on_behalf_of_user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    session.add(event)
    return event
