"""The audit trail: one row per state change, with who acted and for whom.

Rows are collected on the session and written with one multi-row INSERT when the session next
flushes (see `install`), instead of one ORM object and INSERT each: a step writes several.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from .actors import Actor
from .db import utcnow
from .models import AuditEvent

PENDING_KEY = "mamis_pending_audit"


def record(session: Session, actor: Actor | None, action: str, object_type: str, object_id: int | None,
           on_behalf_of_user_id: int | None = None, **detail) -> None:
    session.info.setdefault(PENDING_KEY, []).append({
        "at": utcnow(),
        "actor_user_id": actor.user_id if actor and actor.user_id else None,
        "on_behalf_of_user_id": on_behalf_of_user_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
    })


def _write_pending(session: Session, *_args) -> None:
    rows = session.info.pop(PENDING_KEY, None)
    if rows:
        # One INSERT … VALUES (…), (…) statement: a driver's executemany costs more round trips.
        session.connection().execute(sa.insert(AuditEvent).values(rows))


def flush(session: Session) -> None:
    """Write the pending rows now: before a savepoint that may roll back (a savepoint's rollback
    drops every pending row, see install), or where nothing else will be flushed."""
    _write_pending(session)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Write pending audit rows at every flush and before every commit (a session with nothing
    else to flush skips before_flush), and drop them on rollback. Idempotent."""
    if not event.contains(Session, "before_flush", _write_pending):
        event.listen(Session, "before_flush", _write_pending)
        event.listen(Session, "before_commit", _write_pending)
        event.listen(Session, "after_soft_rollback", _forget_pending)


install()
