"""Jobs queued by a request (bulk runs, CSV imports): to the broker, or without one on a thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

from . import db

log = logging.getLogger(__name__)


def queued(run, enqueue_run: Callable[[int], None]):
    """Commit the new (or newly confirmed) run, queue its job, and read the run again: the job may
    have worked it already (eager mode, or a fast worker)."""
    db.commit()
    enqueue_run(run.id)
    db.session().refresh(run)
    return run


def enqueue(job_name: str, work: Callable[[int], None], run_id: int, label: str) -> None:
    """Queue the Celery job `job_name` for the run (`label` names the thread: mamis-<label>-<id>).
    If the broker is down, the beat job that resumes quiet runs queues it later.

    Without a broker (the embedded default) `work(run_id)` runs on a daemon thread of this process
    when EMBEDDED_BACKGROUND is on (its default outside tests), so the request answers at once and
    the run's page shows the progress as in production; if the process stops, the embedded beat
    resumes the run. With it off, the job runs in the calling request (Celery's eager mode)."""
    app = current_app._get_current_object()
    if app.config.get("BROKER_URL") is None and app.config.get("EMBEDDED_BACKGROUND"):
        threading.Thread(target=_work_on_thread, args=(app, work, run_id, label), name=f"mamis-{label}-{run_id}",
                         daemon=True).start()
        return
    from .jobs import queue_job

    queue_job(app.extensions["celery"].tasks[job_name], run_id)  # if not, the beat resumes the committed run


def _work_on_thread(app: Flask, work: Callable[[int], None], run_id: int, label: str) -> None:
    with app.app_context():
        try:
            work(run_id)
        except Exception:  # the run stays unfinished: the embedded beat resumes it
            log.exception("%s %s stopped; it will be resumed", label.replace("-", " "), run_id)
