"""Bulk decisions (board meetings): started here, worked by a Celery job item by item (engine.bulk)."""

from __future__ import annotations

import logging

from engine import bulk as runs
from engine.models import BulkRun, BulkRunItem
from membership import notifications
from membership.actors import Actor

from . import background, db
from .i18n import message, rendered_error

log = logging.getLogger(__name__)


def start(actor: Actor, ids: list[int], decision: str | None, comment: str | None) -> BulkRun:
    """Record the run, commit, and queue its job (without a broker: on a thread of this process,
    see `enqueue`). Raises Forbidden, ValidationFailed."""
    return _queued(runs.start(db.session(), actor, ids, decision, comment))


def retry_failed(actor: Actor, run_id: int) -> BulkRun:
    """A new run of what failed in `run_id`, committed and queued like `start`."""
    return _queued(runs.retry_failed(db.session(), actor, run_id))


def _queued(run: BulkRun) -> BulkRun:
    return background.queued(run, enqueue)


def enqueue(run_id: int) -> None:
    """Queue the run's job (webapp.background.enqueue); `resume_bulk_runs` queues a lost one again."""
    from .jobs import bulk_complete

    background.enqueue(bulk_complete.name, work, run_id, "bulk-run")


def work(run_id: int) -> None:
    """Work the run to its end here (the job's body; also the synchronous API's)."""
    from .jobs import dispatch_notifications

    runs.run_to_end(db.database().session_factory, run_id,
                    on_commit=lambda s: dispatch_notifications(notifications.take_pending(s)))


def complete_each(actor: Actor, ids: list[int], decision: str | None, comment: str | None) -> list[dict]:
    """The synchronous API: the run worked in this request. [{id, ok, error: {code, message,
    fields}}] in the order given; a failure rolls back that task only."""
    run = runs.start(db.session(), actor, ids, decision, comment)
    db.commit()
    try:
        work(run.id)
    except Exception:  # not a task's own failure (the database busy or gone): what was done stays done
        log.exception("bulk run %s stopped in the request", run.id)
        db.rollback()
        runs.cancel(db.session(), actor, run.id)  # the caller is answered now; nothing resumes behind it
        db.commit()
    s = db.session()
    by_id = {item.task_id: item for item in runs.items(s, run)}
    return [{"id": task_id, "ok": by_id[task_id].outcome == "ok", "error": rendered(by_id[task_id])}
            for task_id in ids]


def rendered(item: BulkRunItem) -> dict | None:
    """An item's stored error in the reader's language: {code, message, fields}; an item a stopped
    run never reached is `interrupted`."""
    if item.outcome == "pending":
        return {"code": "interrupted", "message": message("bulk_interrupted"), "fields": {}}
    return rendered_error(item.error) if item.error else None
