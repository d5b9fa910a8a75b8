"""Bulk runs (board meetings): every item worked once, in its own transaction, each failure kept
with its reason, a lost run resumed where it stopped."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from engine import bulk, tasks
from engine.models import BulkRun, BulkRunItem, HumanTask
from membership.errors import Forbidden, NotFound, ValidationFailed
from membership.models import UserAccount

from ..conftest import actor_for, new_member
from ..helpers import at_once, file_enrolment, open_task_for

CHAIN = [("otaru", "A-1")]


@pytest.fixture
def otaru(app, session):
    """staff@otaru, a colleague, three open review tasks at 小樽市医師会, and the jobs' session factory."""
    from membership import accounts

    staff = actor_for(session, "staff@otaru")
    colleague = accounts.create_user(session, f"staff2-{uuid.uuid4().hex[:6]}", "Mamis#2024", "secretariat",
                                     association_code="otaru", name="同僚")
    ids = []
    for _ in range(3):
        application = file_enrolment(session, new_member(session), CHAIN)
        ids.append(open_task_for(session, staff, application.id).id)
    session.flush()
    return {"staff": staff, "colleague": actor_for(session, colleague.login_id), "ids": ids,
            "factory": app.extensions["mamis_db"].session_factory}


def test_a_run_works_every_item_and_keeps_each_failure_with_its_reason(session, otaru):
    t1, t2, t3 = otaru["ids"]
    tasks.claim(session, otaru["colleague"], t2)  # someone else's: fails alone
    run = bulk.start(session, otaru["staff"], [t1, t2, t3, 999999, t1], "approve", "理事会承認")
    session.flush()
    assert run.total == 4 and run.status == "queued"  # the repeated id is worked once

    bulk.run_to_end(otaru["factory"], run.id)

    session.expire_all()
    assert (run.status, run.position, run.succeeded, run.failed) == ("finished", 4, 2, 2)
    assert run.finished_at is not None
    assert [session.get(HumanTask, t).status for t in (t1, t2, t3)] == ["completed", "open", "completed"]
    assert session.get(HumanTask, t3).comment == "理事会承認"
    outcome = {i.task_id: (i.outcome, (i.error or {}).get("code"), (i.error or {}).get("key"))
               for i in bulk.items(session, run)}
    assert outcome == {t1: ("ok", None, None), t2: ("failed", "conflict", "task_claimed"),
                       t3: ("ok", None, None), 999999: ("failed", "not_found", "not_found")}
    # nothing of the failed task's step was left behind: no decision, no completion
    failed = session.get(HumanTask, t2)
    assert failed.decision is None and failed.completed_at is None


def test_a_second_worker_on_the_same_run_works_nothing_twice(session, otaru):
    t1, t2, t3 = otaru["ids"]
    run = bulk.start(session, otaru["staff"], [t1, t2, t3], "approve", "")
    session.flush()
    factory = otaru["factory"]
    with factory() as s:  # a worker stops after the first item (its process was killed)
        assert bulk.work_next(s, run.id).task_id == t1
        s.commit()
    bulk.run_to_end(factory, run.id)  # the job again (resumed or redelivered)
    bulk.run_to_end(factory, run.id)  # and once more: nothing left
    session.expire_all()
    assert (run.status, run.succeeded, run.failed) == ("finished", 3, 0)
    assert all(i.outcome == "ok" for i in bulk.items(session, run))


def test_a_failure_recorded_late_does_not_overwrite_another_workers_progress(session, otaru):
    t1, t2, t3 = otaru["ids"]
    run = bulk.start(session, otaru["staff"], [t1, t2, t3], "approve", "")
    session.flush()
    with otaru["factory"]() as s:  # worker B completes the first item
        bulk.work_next(s, run.id)
        s.commit()
    # worker A saw the same item fail (it lost the race) and records that afterwards
    bulk.record_failure(session, run.id, 0, Forbidden())
    session.expire_all()
    assert (run.position, run.succeeded, run.failed) == (1, 1, 0)
    assert [i.outcome for i in bulk.items(session, run)] == ["ok", "pending", "pending"]


def test_a_lost_run_is_found_stale_and_resumed(session, otaru):
    t1, t2, _ = otaru["ids"]
    run = bulk.start(session, otaru["staff"], [t1, t2], "approve", "")
    session.flush()
    assert run.id not in bulk.stale_runs(session)  # just queued: its job is on its way
    later = run.updated_at + bulk.STALE_AFTER + dt.timedelta(seconds=1)
    assert run.id in bulk.stale_runs(session, now=later)
    # queued again: not again at the next beat while no worker has taken it, but after STALE_AFTER
    assert run.id not in bulk.stale_runs(session, now=later + dt.timedelta(minutes=1))
    later += bulk.STALE_AFTER + dt.timedelta(seconds=1)
    assert run.id in bulk.stale_runs(session, now=later)
    bulk.run_to_end(otaru["factory"], run.id)
    session.expire_all()
    assert run.status == "finished" and run.id not in bulk.stale_runs(session, now=later)


def test_an_account_disabled_during_the_run_fails_the_rest(session, otaru):
    t1, t2, _ = otaru["ids"]
    run = bulk.start(session, otaru["staff"], [t1, t2], "approve", "")
    session.flush()
    session.execute(sa.update(UserAccount).where(UserAccount.id == otaru["staff"].user_id).values(is_active=False))
    bulk.run_to_end(otaru["factory"], run.id)
    session.expire_all()
    assert (run.succeeded, run.failed) == (0, 2)
    assert {i.error["code"] for i in bulk.items(session, run)} == {"forbidden"}
    assert session.get(HumanTask, t1).status == "open"


@pytest.mark.parametrize("ids, decision, comment, field", [
    ([], "approve", "", "ids"),
    (list(range(1, bulk.BULK_MAX + 2)), "approve", "", "ids"),
    ([1], "maybe", "", "decision"),
    ([1], "reject", " ", "comment"),
    ([1], "approve", "長" * 1001, "comment"),
])
def test_a_run_that_could_not_succeed_is_refused_whole(session, otaru, ids, decision, comment, field):
    before = session.scalar(sa.select(sa.func.count()).select_from(BulkRun))
    with pytest.raises(ValidationFailed) as failure:
        bulk.start(session, otaru["staff"], ids, decision, comment)
    assert field in failure.value.fields
    assert session.scalar(sa.select(sa.func.count()).select_from(BulkRun)) == before


def test_only_a_secretariat_starts_a_run_and_only_its_office_sees_it(session, otaru):
    with pytest.raises(Forbidden):
        bulk.start(session, new_member(session), otaru["ids"], "approve", "")
    run = bulk.start(session, otaru["staff"], otaru["ids"][:1], "approve", "")
    session.flush()
    assert bulk.get_run(session, otaru["colleague"], run.id) is run
    assert session.scalar(sa.select(sa.func.count()).select_from(BulkRunItem)
                          .where(BulkRunItem.run_id == run.id)) == 1
    assert bulk.active_runs(session, otaru["colleague"]) == [run]
    with pytest.raises(NotFound):
        bulk.get_run(session, actor_for(session, "staff@sapporo"), run.id)


@pytest.mark.commits
def test_two_workers_on_one_run_at_once_work_each_item_once(app, db_engine):
    """A redelivered job running beside the first (real commits, real row locks)."""

    from sqlalchemy.orm import Session

    def factory():
        return Session(db_engine, expire_on_commit=False)

    with factory() as s:
        staff = actor_for(s, "staff@otaru")
        ids = [open_task_for(s, staff, file_enrolment(s, new_member(s, "bulkrace"), CHAIN).id).id for _ in range(4)]
        run = bulk.start(s, staff, ids, "approve", "")
        s.commit()
    errors = []

    def worker():
        try:
            bulk.run_to_end(factory, run.id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    at_once(worker, worker, timeout=60)
    assert errors == []
    with factory() as s:
        done = s.get(BulkRun, run.id)
        assert (done.status, done.succeeded, done.failed) == ("finished", 4, 0)
        assert [i.outcome for i in bulk.items(s, done)] == ["ok"] * 4
        completed = s.scalars(sa.select(HumanTask.completed_by_user_id).where(HumanTask.id.in_(ids))).all()
        assert completed == [staff.user_id] * 4


@pytest.mark.inconsistent
def test_the_integrity_check_sees_a_run_whose_progress_disagrees_with_its_items(session, otaru):
    from engine import integrity

    run = bulk.start(session, otaru["staff"], otaru["ids"][:2], "approve", "")
    session.flush()
    bulk.run_to_end(otaru["factory"], run.id)
    session.expire_all()
    assert not [p for p in integrity.check(session) if "bulk run" in p]
    # an item marked done without the run counting it (a half-applied step)
    session.execute(sa.update(BulkRun).where(BulkRun.id == run.id).values(succeeded=1, position=1, status="running"))
    assert f"bulk run {run.id}: its progress disagrees with its items" in integrity.check(session)


def test_a_stopped_run_works_nothing_more_and_keeps_what_was_done(session, otaru):
    from membership.errors import Conflict

    t1, t2, t3 = otaru["ids"]
    run = bulk.start(session, otaru["staff"], [t1, t2, t3], "approve", "")
    session.flush()
    with otaru["factory"]() as s:  # the worker has done the first item
        bulk.work_next(s, run.id)
        s.commit()
    with pytest.raises(NotFound):  # another office cannot stop it
        bulk.cancel(session, actor_for(session, "staff@sapporo"), run.id)
    bulk.cancel(session, otaru["colleague"], run.id)  # anyone of the office can
    bulk.run_to_end(otaru["factory"], run.id)  # the worker's next turn finds it stopped
    session.expire_all()
    assert (run.status, run.position, run.succeeded) == ("cancelled", 1, 1) and run.finished_at is not None
    assert [i.outcome for i in bulk.items(session, run)] == ["ok", "pending", "pending"]
    assert [session.get(HumanTask, t).status for t in (t1, t2, t3)] == ["completed", "open", "open"]
    assert run.id not in bulk.stale_runs(session, now=run.updated_at + bulk.STALE_AFTER * 2)
    assert bulk.active_runs(session, otaru["staff"]) == []
    with pytest.raises(Conflict):
        bulk.cancel(session, otaru["staff"], run.id)


def test_what_failed_can_be_approved_again_in_a_new_run(session, otaru):
    from membership.errors import Conflict

    t1, t2, _ = otaru["ids"]
    tasks.claim(session, otaru["colleague"], t2)
    run = bulk.start(session, otaru["staff"], [t1, t2], "approve", "理事会")
    session.flush()
    with pytest.raises(Conflict):  # not before it has ended
        bulk.retry_failed(session, otaru["staff"], run.id)
    bulk.run_to_end(otaru["factory"], run.id)
    tasks.unclaim(session, otaru["colleague"], t2)  # the colleague lets it go
    again = bulk.retry_failed(session, otaru["staff"], run.id)
    session.flush()
    assert (again.total, again.decision, again.comment) == (1, "approve", "理事会")
    bulk.run_to_end(otaru["factory"], again.id)
    session.expire_all()
    assert again.succeeded == 1 and session.get(HumanTask, t2).status == "completed"
    with pytest.raises(Conflict) as nothing:  # nothing failed this time: said so, naming no field
        bulk.retry_failed(session, otaru["staff"], again.id)
    assert nothing.value.message_key == "nothing_to_retry"
