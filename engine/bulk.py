"""Bulk decisions (a board meeting's approvals), worked in the background item by item.

A run records the chosen tasks in order. Each item is worked in its own transaction together with
the run's progress, under the run's row lock: a failure rolls back that task alone and is recorded
with its reason; two workers on the same run (a redelivered job, the beat resuming it) take turns
and never work an item twice. See decision 0021.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import audit, notifications
from membership.actors import Actor
from membership.db import lost_a_race, utcnow
from membership.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed, stored
from membership.models import UserAccount

from . import tasks
from .models import BulkRun, BulkRunItem, HumanTask
from .runtime import ProcessFailed

#: a board meeting's worth (the inbox's "all matching this filter" selects up to this many)
BULK_MAX = 1000
#: a run unfinished and untouched for this long lost its worker: the beat enqueues it again
STALE_AFTER = dt.timedelta(minutes=2)
#: a run in these states works nothing more
ENDED = ("finished", "cancelled")


class ItemFailed(Exception):
    """The item at `position` failed with the domain error `error` (the caller rolls back, then
    records it with `record_failure`)."""

    def __init__(self, position: int, error: DomainError):
        super().__init__(error.code)
        self.position = position
        self.error = error


def start(session: Session, actor: Actor, ids: list[int], decision: str | None, comment: str | None) -> BulkRun:
    """Record a run of `decision` on the tasks `ids` (in this order, each once). Nothing is
    worked yet. Raises Forbidden (not a secretariat) and ValidationFailed (no ids, too many, a
    decision or comment no review task would take)."""
    if not actor.is_secretariat:
        raise Forbidden()
    unique = list(dict.fromkeys(ids))
    errors: dict[str, tuple[str, dict]] = {}
    if not unique:
        errors["ids"] = ("required", {})
    elif len(unique) > BULK_MAX:
        errors["ids"] = ("too_many", {"max": BULK_MAX})
    if decision not in tasks.DECISIONS:
        errors["decision"] = ("unknown_decision", {})
    elif decision in ("reject", "return") and not (comment or "").strip():
        errors["comment"] = ("comment_required", {})
    if comment and len(comment) > tasks.MAX_COMMENT:
        errors["comment"] = ("too_long", {"max": tasks.MAX_COMMENT})
    if errors:
        raise ValidationFailed(errors)
    run = BulkRun(user_id=actor.user_id, association_id=actor.association_id, decision=decision,
                  comment=(comment or "").strip(), total=len(unique))
    session.add(run)
    session.flush()
    session.execute(sa.insert(BulkRunItem), [{"run_id": run.id, "position": i, "task_id": task_id}
                                             for i, task_id in enumerate(unique)])
    audit.record(session, actor, "bulk.start", "bulk_run", run.id, decision=decision, total=run.total)
    return run


def work_next(session: Session, run_id: int) -> BulkRunItem | None:
    """Complete the run's next task in the caller's transaction, with the run's progress. None
    when the run is finished (or unknown). Raises ItemFailed for a task that cannot be completed
    (the caller rolls back and calls record_failure)."""
    found = _next(session, run_id)
    if found is None:  # unknown, or every item worked
        return None
    run, item, account = found
    if run.status in ENDED:
        return None
    run.status = "running"
    try:
        if not account.is_active or account.role != "secretariat":
            raise Forbidden()  # disabled (or moved) since the run began: the rest fails, visibly
        tasks.complete_task(session, Actor.of(account), item.task_id, run.decision, run.comment)
    except DomainError as exc:
        raise ItemFailed(run.position, exc) from exc
    except sa.exc.IntegrityError as exc:
        if not lost_a_race(exc):
            raise
        # a unique key another request took a moment before: this task fails alone, said so
        raise ItemFailed(run.position, Conflict("race_lost")) from exc
    item.outcome, item.done_at = "ok", utcnow()
    run.succeeded += 1
    _advance(run)
    session.flush()
    return item


def record_failure(session: Session, run_id: int, position: int, error: DomainError) -> None:
    """Record why the item at `position` failed and move on, unless another worker got there
    first."""
    found = _next(session, run_id)
    if found is None:
        return
    run, item, _account = found
    if run.status in ENDED or run.position != position:
        return
    item.outcome, item.done_at, item.error = "failed", utcnow(), stored(error)
    if isinstance(error, ProcessFailed):  # the process's own fault: an incident for the designers
        from .incidents import record

        record(session, Actor.of(_account), error)
    run.failed += 1
    _advance(run)
    session.flush()


def run_to_end(factory: Callable[[], Session], run_id: int,
               on_commit: Callable[[Session], None] = lambda _s: None) -> None:
    """Work every remaining item, each in its own transaction (`on_commit` is called after each
    commit: the mail the step queued is sent then). Other errors than a task's own (the database
    gone) propagate; what was committed stays, and the run is resumed later from where it stopped."""
    while True:
        with factory() as s:
            try:
                item = work_next(s, run_id)
            except ItemFailed as failure:
                s.rollback()
                notifications.take_pending(s)  # mail of the undone step must not go out
                record_failure(s, run_id, failure.position, failure.error)
                s.commit()
                continue
            s.commit()
            if item is None:
                return
            on_commit(s)


def cancel(session: Session, actor: Actor, run_id: int) -> BulkRun:
    """Stop a run (the wrong filter was chosen): the item being worked finishes, the rest stay
    unworked. Anyone of the office may stop it. Raises NotFound, Conflict (it has ended)."""
    get_run(session, actor, run_id)
    run = _locked(session, run_id)  # waits for the item being worked
    if run.status in ENDED:
        raise Conflict("bulk_run_done")
    run.status, run.updated_at = "cancelled", utcnow()
    run.finished_at = run.updated_at
    audit.record(session, actor, "bulk.cancel", "bulk_run", run.id, done=run.position, total=run.total)
    session.flush()
    return run


def retry_failed(session: Session, actor: Actor, run_id: int) -> BulkRun:
    """A new run of the same decision on the tasks that failed in an ended run (e.g. after the
    colleague who had claimed them released them). Raises NotFound, Conflict (still working),
    ValidationFailed (nothing failed)."""
    run = get_run(session, actor, run_id)
    if run.status not in ENDED:
        raise Conflict("concurrent_change")
    failed = [item.task_id for item in items(session, run, "failed")]
    # those decided meanwhile would only fail again: the new run takes the ones still open
    still_open = set(session.scalars(sa.select(HumanTask.id).where(HumanTask.id.in_(failed),
                                                                   HumanTask.status == "open"))) if failed else set()
    retry = [t for t in failed if t in still_open]
    if not retry:  # said as such, not as an empty selection of a field the request does not have
        raise Conflict("nothing_to_retry")
    return start(session, actor, retry, run.decision, run.comment)


def is_stalled(run: BulkRun, now: dt.datetime | None = None) -> bool:
    """Unfinished and untouched for STALE_AFTER: no worker is taking it (what `stale_runs` finds)."""
    return run.status not in ENDED and run.updated_at < (now or utcnow()) - STALE_AFTER


def stale_runs(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Runs not finished and untouched for STALE_AFTER: their job was lost (a worker stopped, the
    broker was down when they were queued). Each is marked touched now, in the caller's
    transaction, so that while no worker takes it, it is queued again every STALE_AFTER rather
    than at every beat."""
    now = now or utcnow()
    stale = list(session.scalars(sa.select(BulkRun.id).where(
        BulkRun.status.in_(("queued", "running")), BulkRun.updated_at < now - STALE_AFTER).order_by(BulkRun.id)))
    if stale:
        session.execute(sa.update(BulkRun).where(BulkRun.id.in_(stale), BulkRun.status.in_(("queued", "running")))
                        .values(updated_at=now))
    return stale


def get_run(session: Session, actor: Actor, run_id: int) -> BulkRun:
    """A run of the actor's association (or the actor's own), as it is now (workers move it on in
    their own transactions). Raises NotFound otherwise."""
    run = session.get(BulkRun, run_id, populate_existing=True)
    if run is None or not (run.user_id == actor.user_id
                           or (actor.is_secretariat and run.association_id == actor.association_id)):
        raise NotFound()
    return run


def items(session: Session, run: BulkRun, outcome: str | None = None) -> list[BulkRunItem]:
    stmt = sa.select(BulkRunItem).where(BulkRunItem.run_id == run.id).order_by(BulkRunItem.position)
    if outcome:
        stmt = stmt.where(BulkRunItem.outcome == outcome)
    return list(session.scalars(stmt))


def active_runs(session: Session, actor: Actor) -> list[BulkRun]:
    """The unfinished runs of the actor's association, oldest first (for the inbox)."""
    if not actor.is_secretariat or not actor.association_id:
        return []
    return list(session.scalars(sa.select(BulkRun).where(
        BulkRun.association_id == actor.association_id, BulkRun.status.not_in(ENDED)).order_by(BulkRun.id)))


def recent_runs(session: Session, actor: Actor, limit: int = 50) -> list[tuple[BulkRun, str]]:
    """The association's runs, newest first, with who started each (for the history page)."""
    if not actor.is_secretariat or not actor.association_id:
        return []
    return [tuple(r) for r in session.execute(
        sa.select(BulkRun, UserAccount.display_name).join(UserAccount, UserAccount.id == BulkRun.user_id)
        .where(BulkRun.association_id == actor.association_id).order_by(BulkRun.id.desc()).limit(limit))]


def _locked(session: Session, run_id: int) -> BulkRun | None:
    return session.scalar(sa.select(BulkRun).where(BulkRun.id == run_id).with_for_update()
                          .execution_options(populate_existing=True))


_NEXT = (sa.select(BulkRun, BulkRunItem, UserAccount)
         .join(BulkRunItem, sa.and_(BulkRunItem.run_id == BulkRun.id, BulkRunItem.position == BulkRun.position))
         .join(UserAccount, UserAccount.id == BulkRun.user_id)
         .where(BulkRun.id == sa.bindparam("run_id")).with_for_update(of=BulkRun)
         .execution_options(populate_existing=True))


def _next(session: Session, run_id: int) -> tuple[BulkRun, BulkRunItem, UserAccount] | None:
    """The run locked, the item at its position, and who started it: one statement per item. None
    when the run is unknown or has no item left (every item at a position below the total was
    made by `start`)."""
    row = session.execute(_NEXT, {"run_id": run_id}).first()
    return tuple(row) if row else None


def _advance(run: BulkRun) -> None:
    run.position += 1
    run.updated_at = utcnow()
    if run.position >= run.total:
        run.status, run.finished_at = "finished", run.updated_at
        run.position = run.total
