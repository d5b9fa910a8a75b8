"""The beat schedule of the embedded default: without a broker there is no `celery beat`, so the
web process itself runs the periodic jobs on a daemon thread (started by the first request).

Production (MAMIS_BROKER_URL set) runs `celery beat` instead and never starts this thread. Every
job is safe to run twice, so a second web process doing the same is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from flask import Flask

from membership.fields import JST

log = logging.getLogger(__name__)
INTERVAL = 60.0
DIGEST_AT = dt.time(7, 30)  # JST, as in celery_app's crontab
#: app.extensions key: the day (JST) the morning's jobs last ran in this process
DAILY_DONE = "mamis.daily_jobs_done"


def init_app(app: Flask) -> None:
    if app.config.get("BROKER_URL") or app.config.get("TESTING") or not app.config.get("EMBEDDED_BEAT", True):
        return
    started = threading.Event()

    @app.before_request
    def _start_beat():
        if not started.is_set():
            started.set()
            threading.Thread(target=_loop, args=(app,), name="mamis-embedded-beat", daemon=True).start()


def run_once(app: Flask, now: dt.datetime | None = None) -> dict:
    """One tick of the schedule: due timers, the outbox, lost bulk runs and imports, and the morning
    digest once it is time."""
    from . import jobs

    # This app's own task objects: the module-level ones resolve to Celery's default app, which
    # may belong to another Flask app in the same process.
    registered = app.extensions["celery"].tasks
    done = {"fire_timers": registered[jobs.fire_timers.name](),
            "flush_outbox": registered[jobs.flush_outbox.name](),
            "resume_bulk_runs": registered[jobs.resume_bulk_runs.name](),
            "resume_import_runs": registered[jobs.resume_import_runs.name]()}
    local = (now or dt.datetime.now(dt.UTC)).astimezone(JST)
    # the morning's jobs once a day from 07:30 (each is also safe run twice: another web process)
    if local.time() >= DIGEST_AT and app.extensions.get(DAILY_DONE) != local.date():
        app.extensions[DAILY_DONE] = local.date()
        done["daily_digest"] = registered[jobs.daily_digest.name]()  # once a day per office (it checks)
        done["certificate_reminders"] = registered[jobs.certificate_reminders.name]()  # once per stage
        done["purge_drafts"] = registered[jobs.purge_drafts.name]()  # only what is a week old
    return done


def _loop(app: Flask) -> None:
    stop = threading.Event()
    while not stop.wait(INTERVAL):
        try:
            run_once(app)
        except Exception:
            log.exception("embedded beat tick failed")
