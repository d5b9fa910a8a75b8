"""Bulk decisions (board meetings): started here, worked by a Celery job item by item (engine.bulk)."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from engine import bulk as runs
from engine.models import BulkRun, BulkRunItem
from membership import notifications
from membership.actors import Actor

from . import db
from .i18n import message

log = logging.getLogger(__name__)


def start(actor: Actor, ids: list[int], decision: str | None, comment: str | None) -> BulkRun:
    """Record the run, commit, and queue its job (without a broker: on a thread of this process,
    see `enqueue`). Raises Forbidden, ValidationFailed."""
    return _queued(runs.start(db.session(), actor, ids, decision, comment))


def retry_failed(actor: Actor, run_id: int) -> BulkRun:
    """A new run of what failed in `run_id`, committed and queued like `start`."""
    return _queued(runs.retry_failed(db.session(), actor, run_id))


def _queued(run: BulkRun) -> BulkRun:
    """Commit the new run, queue its job, and read it again (the job may have worked it already)."""
    db.commit()
    enqueue(run.id)
    db.session().refresh(run)
    return run


def enqueue(run_id: int) -> None:
    """Queue the run's job. If the broker is down, the beat job `resume_bulk_runs` queues it later.

    Without a broker (the embedded default) the job is worked on a daemon thread of this process
    when EMBEDDED_BACKGROUND is on (its default outside tests), so the request answers at once and
    the run's page shows the progress as in production; if the process stops, the embedded beat
    resumes the run. With it off, the job runs in the calling request (Celery's eager mode)."""
    from .jobs import bulk_complete

    app = current_app._get_current_object()
    if app.config.get("BROKER_URL") is None and app.config.get("EMBEDDED_BACKGROUND"):
        threading.Thread(target=_work_on_thread, args=(app, run_id), name=f"mamis-bulk-run-{run_id}",
                         daemon=True).start()
        return
    try:
        app.extensions["celery"].tasks[bulk_complete.name].delay(run_id)
    except Exception:  # the run is committed: its page shows it, and the beat resumes it
        log.exception("could not enqueue or work bulk run %s; resume_bulk_runs will retry", run_id)


def _work_on_thread(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            work(run_id)
        except Exception:  # the run stays unfinished: the embedded beat resumes it
            log.exception("bulk run %s stopped; it will be resumed", run_id)


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
    if not item.error:
        return None
    error = item.error
    return {"code": error["code"], "message": message(error["key"], **error["params"]),
            "fields": {name: message(key, field=name, context=error.get("context"), **params)
                       for name, (key, params) in error["fields"].items()}}
