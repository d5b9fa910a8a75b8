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
_INSERT = sa.insert(AuditEvent).returning(AuditEvent.id)


def record(session: Session, actor: Actor | None, action: str, object_type: str, object_id,
           on_behalf_of_user_id: int | None = None, **detail) -> None:
    """`object_id`: an id, or the object itself when it is new (its id is read at the flush)."""
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
        for row in rows:
            if row["object_id"] is not None and not isinstance(row["object_id"], int):
                row["object_id"] = row["object_id"].id  # an object that was new when recorded
        # One INSERT … VALUES (…), (…) statement: with RETURNING, SQLAlchemy sends an executemany
        # as one multi-row INSERT ("insertmanyvalues") instead of the driver's executemany, which
        # costs more round trips; and unlike .values(rows), the statement's compilation is cached.
        session.connection().execute(_INSERT, rows)


def flush(session: Session) -> None:
    """Write the pending rows now: before a savepoint that may roll back (a savepoint's rollback
    drops every pending row, see install), or where nothing else will be flushed."""
    _write_pending(session)


def _before_commit(session: Session) -> None:
    if session.info.get(PENDING_KEY) and (session.new or session.dirty or session.deleted):
        session.flush()  # the rows go with it (after_flush), with the ids of what it inserted
    _write_pending(session)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Write pending audit rows at the end of every flush (after its INSERTs: an object recorded
    while new has its id then) and before every commit (a session with nothing else to flush has
    no flush), and drop them on rollback. Idempotent."""
    if not event.contains(Session, "after_flush", _write_pending):
        event.listen(Session, "after_flush", _write_pending)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _forget_pending)


install()
