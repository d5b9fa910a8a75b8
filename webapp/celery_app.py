"""The Celery app, created from the Flask app. No broker configured → tasks run in-process."""

from __future__ import annotations

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask


def init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("BROKER_URL")
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # a worker or beat keeps trying a broker that is down, however long (the default gives up
        # after 100 tries, about 45 minutes, and the process exits)
        broker_connection_max_retries=None,
        # a request that queues a job must not hang on a broker that accepts and never answers: the
        # rows it queued stay `queued` and the beat's flush and resume jobs send them later
        broker_transport_options={"socket_timeout": 5, "socket_connect_timeout": 3},
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                   "interval_max": 0.2},
        timezone="Asia/Tokyo",
        task_default_queue=app.config.get("CELERY_QUEUE") or "mamis",
        beat_schedule={
            "flush-outbox": {"task": "webapp.jobs.flush_outbox", "schedule": 60.0},
            "fire-timers": {"task": "webapp.jobs.fire_timers", "schedule": 60.0},
            "resume-bulk-runs": {"task": "webapp.jobs.resume_bulk_runs", "schedule": 60.0},
            "resume-import-runs": {"task": "webapp.jobs.resume_import_runs", "schedule": 60.0},
            # every morning at 7:30 JST (the app's timezone)
            "daily-digest": {"task": "webapp.jobs.daily_digest", "schedule": crontab(hour=7, minute=30)},
            "certificate-reminders": {"task": "webapp.jobs.certificate_reminders",
                                      "schedule": crontab(hour=8, minute=0)},
            "purge-drafts": {"task": "webapp.jobs.purge_drafts", "schedule": crontab(hour=3, minute=0)},
        },
    )
    celery.set_default()
    app.extensions["celery"] = celery
    from . import jobs  # noqa: F401  (registers the tasks on this app)

    return celery
