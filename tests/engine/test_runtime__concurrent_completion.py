"""Two people completing the same task at once: exactly one wins, the other gets a conflict."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine import runtime, tasks
from engine.models import HumanTask
from membership.accounts import create_user
from membership.actors import Actor
from membership.errors import Conflict
from membership.models import Application

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment, open_task_for

pytestmark = pytest.mark.commits


def test_second_concurrent_completion_conflicts(db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "race")
        app = file_enrolment(s, member)
        s.commit()
        staff = actor_for(s, "staff@chuoeast")
        task_id = open_task_for(s, staff, app.id).id

    real_run = runtime.run_human_task
    first_inside = threading.Event()

    def slow_run(*args, **kwargs):
        # The first completion holds the instance lock for a while; the second arrives meanwhile.
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.6)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(tasks, "run_human_task", slow_run)
    outcomes: list[str] = []

    def attempt(decision):
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                tasks.complete_task(s, staff, task_id, decision, "理由あり")
                s.commit()
                outcomes.append("ok")
            except Conflict:
                s.rollback()
                outcomes.append("conflict")

    first = threading.Thread(target=attempt, args=("approve",))
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=attempt, args=("reject",))
    second.start()
    first.join(20)
    second.join(20)
    assert sorted(outcomes) == ["conflict", "ok"]
    with Session(db_engine) as s:
        row = s.get(HumanTask, task_id)
        assert row.status == "completed" and row.decision == "approve"
        app = s.get(Application, app.id)
        assert [p.status for p in app.parts][:2] == ["approved", "in_review"]
        # exactly one review task was created for the next layer
        assert s.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
            HumanTask.application_id == app.id, HumanTask.status == "open")) == 1


def test_a_claim_that_lands_after_the_completion_read_the_task_wins(session, monkeypatch):
    """The completion reads the task with the instance lock; a colleague's claim committed after
    that read (claims do not take the instance lock) must not be overwritten: 409, nothing done."""
    member = new_member(session, "claimrace")
    app = file_enrolment(session, member)
    staff = actor_for(session, "staff@chuoeast")
    colleague = Actor.of(create_user(session, "staff2@chuoeast", "Mamis#2024", "secretariat", "chuoeast"))
    task_id = open_task_for(session, staff, app.id).id
    real_lock = tasks.lock_task_instance

    def lock_then_claimed_elsewhere(*args, **kwargs):
        found = real_lock(*args, **kwargs)
        session.connection().execute(sa.update(HumanTask).where(HumanTask.id == task_id)
                                     .values(claimed_by_user_id=colleague.user_id))
        return found

    monkeypatch.setattr(tasks, "lock_task_instance", lock_then_claimed_elsewhere)
    with pytest.raises(Conflict) as raised:
        tasks.complete_task(session, staff, task_id, "approve", "")
    assert raised.value.message_key == "task_claimed"
    row = session.execute(sa.select(HumanTask.status, HumanTask.claimed_by_user_id)
                          .where(HumanTask.id == task_id)).one()
    assert tuple(row) == ("open", colleague.user_id)
