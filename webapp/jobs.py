"""Background jobs. Each takes ids only, reloads, skips what is done, and is safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging
import time

import sqlalchemy as sa
from celery import shared_task
from flask import current_app

from membership.db import utcnow
from membership.fields import jst_day_start, today_jst
from membership.models import Notification

from . import db, mailer

log = logging.getLogger(__name__)
STALE_SENDING = dt.timedelta(minutes=10)
#: a mail is tried this often before it is marked failed, the pauses doubling from a minute up to
#: an hour (about 14 hours in all: an SMTP server down for a night loses nothing)
MAX_ATTEMPTS = 20
FIRST_PAUSE, LONGEST_PAUSE = dt.timedelta(minutes=1), dt.timedelta(hours=1)
TIMER_RETRY = dt.timedelta(hours=1)
#: after a broker failed to take a job, requests in this process queue none for this long: each
#: try may wait for the broker's socket timeout (5 s), and what they would queue stays in the
#: database for the beat's flush and resume jobs
BROKER_REST_SECONDS = 30.0
_broker_failed_at: float | None = None


def queue_job(task, *args) -> bool:
    """`task.delay(*args)`, unless the broker failed in this process within BROKER_REST_SECONDS.
    Never raises: False when nothing was queued (the row it names stays to be resumed)."""
    global _broker_failed_at
    broker = current_app.config.get("BROKER_URL")
    if broker and _broker_failed_at is not None and time.monotonic() - _broker_failed_at < BROKER_REST_SECONDS:
        return False
    try:
        task.delay(*args)
    except Exception:
        if broker:
            _broker_failed_at = time.monotonic()
        log.exception("could not enqueue or run %s%s; the beat will queue it again", task.name, args)
        return False
    _broker_failed_at = None
    return True


def dispatch_notifications(ids: list[int]) -> None:
    """Enqueue one send job per notification. Called after the commit that created them, so it
    never raises: the step is saved, and failing the request now would have the user repeat it.

    If the broker is down — or, without one, the send run here fails (the database busy or gone) —
    the rows stay `queued` (or `sending`) and the beat job `flush_outbox` sends them later.
    """
    task = current_app.extensions["celery"].tasks[send_notification.name]
    for notification_id in ids:
        queue_job(task, notification_id)


def pause_after(attempts: int) -> dt.timedelta:
    """The wait before the next try of a mail tried `attempts` times."""
    return min(FIRST_PAUSE * 2 ** max(attempts - 1, 0), LONGEST_PAUSE)


@shared_task(name="webapp.jobs.send_notification")
def send_notification(notification_id: int) -> str:
    """Deliver one mail. A failed delivery is not retried here: the row goes back to `queued`
    with its pause, and `flush_outbox` — the one owner of retries — sends it again after it."""
    factory = db.database().session_factory
    with factory() as s:
        # Claim: only one delivery of a queued mail may proceed, however often the job arrives.
        now = utcnow()
        claimed = s.execute(sa.update(Notification).where(
            Notification.id == notification_id, Notification.status == "queued",
            sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .values(status="sending", attempts=Notification.attempts + 1,
                    next_attempt_at=now + STALE_SENDING)).rowcount
        s.commit()
        if claimed != 1:
            return "skipped"
        note = s.get(Notification, notification_id)
        try:
            mailer.deliver(current_app.config, note)
        except Exception:
            note.status = "queued" if note.attempts < MAX_ATTEMPTS else "failed"
            note.next_attempt_at = utcnow() + pause_after(note.attempts)
            s.commit()
            log.exception("mail %s not sent (attempt %s of %s)", notification_id, note.attempts, MAX_ATTEMPTS)
            return "failed"
        note.status = "sent"
        note.sent_at = utcnow()
        s.commit()
        return "sent"


@shared_task(name="webapp.jobs.flush_outbox")
def flush_outbox() -> int:
    """Beat job: requeue mails whose claim ended without an answer (a worker died while sending)
    and enqueue every queued one whose pause is over."""
    factory = db.database().session_factory
    now = utcnow()
    with factory() as s:
        s.execute(sa.update(Notification).where(Notification.status == "sending", sa.or_(
            Notification.next_attempt_at < now,  # (claims made before next_attempt_at existed: by age)
            sa.and_(Notification.next_attempt_at.is_(None), Notification.created_at < now - STALE_SENDING))
        ).values(status="queued"))
        ids = list(s.scalars(sa.select(Notification.id).where(
            Notification.status == "queued",
            sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .order_by(Notification.id).limit(500)))
        s.commit()
    task = current_app.extensions["celery"].tasks[send_notification.name]
    for notification_id in ids:
        task.delay(notification_id)
    return len(ids)


@shared_task(name="webapp.jobs.daily_digest")
def daily_digest() -> int:
    """Beat job (every morning): mail each association a digest of new and overdue review tasks,
    and of how many of its members changed their registered data (登録情報の変更一覧).

    Runs on the office's business days (no digest on a Sunday, a holiday or 年末年始: what arrived
    meanwhile is new in the next one), at most once a day in Japan per association (an audit row
    marks it), so a retried, doubled or late beat does not mail twice, nor skip the next morning.
    "New" is what arrived since the last digest (a day, for the first). Returns the number of mails
    queued.
    """
    from engine import escalation, tasks
    from membership import audit, calendar, mail, notifications, profiles
    from membership.actors import SYSTEM
    from membership.models import Association, AuditEvent

    factory = db.database().session_factory
    with factory() as s:  # first the reviews whose one-shot escalation timer looked too early
        escalation.escalate_late(s, SYSTEM)
        s.commit()
        told = notifications.take_pending(s)
    dispatch_notifications(told)
    day = today_jst()
    today = f"{day:%Y/%m/%d}"  # written as the screens write dates
    morning = jst_day_start(day)
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    queued = []
    with factory() as s:
        for association in s.scalars(sa.select(Association).where(Association.email != "")):
            if not calendar.is_business_day(day, calendar.closed_days(s, association.id)):
                continue
            last = s.scalar(sa.select(sa.func.max(AuditEvent.at)).where(
                AuditEvent.action == "digest.sent", AuditEvent.object_type == "association",
                AuditEvent.object_id == association.id))
            if last is not None and last >= morning:
                continue  # sent today already
            since = last if last is not None else utcnow() - dt.timedelta(days=1)
            found = tasks.digest(s, association.id, since=since)
            changed = profiles.members_changed_since(s, association.id, since)
            if not found["new"] and not found["overdue"] and not changed:
                continue
            note = mail.send(s, association.email, "inbox_digest", association=association.name, day=today,
                             link=base + "/inbox", site=base, changed=changed, changes_link=base + "/members/changes",
                             **found)
            audit.record(s, None, "digest.sent", "association", association.id, day=today,
                         new=len(found["new"]), overdue=len(found["overdue"]), changed=changed)
            queued.append(note)
        s.commit()
        ids = [n.id for n in queued if n is not None]
    dispatch_notifications(ids)
    return len(ids)


@shared_task(name="webapp.jobs.certificate_reminders")
def certificate_reminders() -> int:
    """Beat job (every morning): mail holders 6 and 3 months before their certificate expires,
    with the credits still missing for renewal. A stage is marked on the certificate when mailed,
    so a doubled beat mails once."""
    from engine import flows
    from membership import notifications

    factory = db.database().session_factory
    with factory() as s:
        sent = flows.remind_expiring(s)
        s.commit()
        mail = notifications.take_pending(s)
    dispatch_notifications(mail)
    return sent


@shared_task(name="webapp.jobs.purge_drafts")
def purge_drafts() -> int:
    """Beat job (every night): wizards left without 一時保存 for a week go, with their files; so do
    uploaded files no document names (a process died between writing one and committing), CSV files
    checked a day ago and never imported, the records of screen logins that ended (or are too old to
    be in use), and the password hashes kept with registration links that expired unused."""
    from pathlib import Path

    from membership import accounts, drafts, import_runs, tokens, uploads

    root = Path(current_app.config["UPLOAD_DIR"])
    with db.database().session_factory() as s:
        purged = drafts.purge_abandoned(s, root)
        uploads.purge_orphans(s, root)
        accounts.purge_login_sessions(s)
        import_runs.purge_checked(s)  # CSV files checked and never imported
        tokens.forget_kept(s)
        s.commit()
    return purged


@shared_task(name="webapp.jobs.fire_timers")
def fire_timers() -> int:
    """Beat job (every minute): fire the BPMN timers that are due, one instance per transaction.

    An instance whose timer fails to run is logged and tried again an hour later; the others go on.
    Returns the number of instances that moved.
    """
    from engine import runtime
    from engine.models import ProcessInstance
    from membership import audit, notifications
    from membership.actors import SYSTEM

    factory = db.database().session_factory
    with factory() as s:
        due = runtime.due_timer_instances(s)
    moved = 0
    for instance_id in due:
        with factory() as s:
            try:
                moved += runtime.fire_timers(s, SYSTEM, instance_id)
                s.commit()
            except Exception as exc:
                s.rollback()
                notifications.take_pending(s)
                log.exception("timer of process instance %s failed; retrying in an hour", instance_id)
                s.execute(sa.update(ProcessInstance).where(ProcessInstance.id == instance_id)
                          .values(timer_due_at=utcnow() + TIMER_RETRY))
                audit.record(s, SYSTEM, "instance.timer_failed", "process_instance", instance_id,
                             detail=str(exc)[:500], element=getattr(exc, "element", None) or None,
                             element_name=getattr(exc, "element_name", None) or None,
                             process=getattr(exc, "process", None) or None)
                s.commit()
                continue
            mail = notifications.take_pending(s)
        dispatch_notifications(mail)
    return moved


@shared_task(name="webapp.jobs.bulk_complete")
def bulk_complete(run_id: int) -> None:
    """A bulk decision's run, item by item (engine.bulk): safe to run twice, resumes where it stopped."""
    from . import bulk

    bulk.work(run_id)


@shared_task(name="webapp.jobs.resume_bulk_runs")
def resume_bulk_runs() -> int:
    """Beat job (every minute): queue again the bulk runs whose job was lost (a worker stopped,
    the broker was down when they were started)."""
    from engine import bulk as runs

    from . import bulk

    return _queue_again(runs.stale_runs, bulk.enqueue)


@shared_task(name="webapp.jobs.import_csv")
def import_csv(run_id: int) -> None:
    """A CSV import's run, written all or nothing (membership.import_runs): safe to run twice."""
    from . import imports

    imports.work(run_id)


@shared_task(name="webapp.jobs.resume_import_runs")
def resume_import_runs() -> int:
    """Beat job (every minute): queue again the CSV imports whose job was lost."""
    from membership import import_runs

    from . import imports

    return _queue_again(import_runs.stale_runs, imports.enqueue)


def _queue_again(stale_runs, enqueue) -> int:
    """Queue again the runs `stale_runs(session)` finds (and marks touched, committed first)."""
    with db.database().session_factory() as s:
        stale = stale_runs(s)
        s.commit()
    for run_id in stale:
        enqueue(run_id)
    return len(stale)
