"""Bulk decisions (board meetings): each task in its own transaction, failures listed with reasons."""

from __future__ import annotations

from engine import tasks
from membership.actors import Actor
from membership.errors import DomainError

from . import db
from .i18n import field_errors, message


def complete_each(actor: Actor, ids: list[int], decision: str | None, comment: str | None) -> list[dict]:
    """[{id, ok, error: {code, message, fields}}]; a failure rolls back that task only."""
    results = []
    for task_id in ids:
        try:
            tasks.complete_task(db.session(), actor, task_id, decision, comment)
            db.commit()
            results.append({"id": task_id, "ok": True, "error": None})
        except DomainError as exc:
            db.rollback()
            fields = field_errors(exc) if hasattr(exc, "fields") else {}
            results.append({"id": task_id, "ok": False, "error": {
                "code": exc.code, "message": message(exc.message_key, **exc.params), "fields": fields}})
    return results
