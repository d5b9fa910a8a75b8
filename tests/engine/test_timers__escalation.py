"""Timers: the enrolment's boundary timer escalates an overdue review to the next layer up.

The `clock` fixture (tests/conftest.py) moves SpiffWorkflow's clock forward instead of waiting weeks.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine import runtime, tasks
from engine.models import HumanTask, ProcessInstance
from membership.errors import NotFound
from membership.models import AuditEvent, Notification

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment, open_task_for


def staff(s, code):
    return actor_for(s, f"staff@{code}")


def instance_of(s, app):
    return s.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))


def fire_due(s, when):
    return [runtime.fire_timers(s, None, i) for i in runtime.due_timer_instances(s, when)]


def test_an_overdue_review_is_escalated_to_the_next_layer_and_stays_with_its_own(session, clock):
    member = new_member(session)
    app = file_enrolment(session, member)
    instance = instance_of(session, app)
    # The deadline is 15 business days of the district's office: at least three weeks away.
    assert instance.timer_due_at is not None
    assert instance.timer_due_at > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=20)
    assert fire_due(session, dt.datetime.now(dt.UTC).replace(tzinfo=None)) == []  # nothing due yet

    later = instance.timer_due_at + dt.timedelta(hours=1)
    clock.shift = later - dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert instance.id in runtime.due_timer_instances(session, later)
    assert runtime.fire_timers(session, None, instance.id) is True
    assert runtime.fire_timers(session, None, instance.id) is False  # a timer fires once

    task = session.scalar(sa.select(HumanTask).where(HumanTask.application_id == app.id, HumanTask.status == "open"))
    sapporo = staff(session, "sapporo")
    assert task.escalated_to_association_id == sapporo.association_id and task.escalated_at is not None
    mail = session.scalar(sa.select(Notification).where(Notification.subject.contains(f"申請番号 {app.id}")))
    assert mail is not None and "審査の遅延" in mail.subject
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "part.escalate")) >= 1

    # The next layer reads it in its 上位への通知 view, but cannot work it.
    q = tasks.parse_query({"view": "escalated"})
    rows, total = tasks.search_inbox(session, sapporo, q)
    assert [t.id for t, _ in rows] == [task.id] and total == 1
    assert tasks.get_task(session, sapporo, task.id, read_only=True).id == task.id
    with pytest.raises(NotFound):
        tasks.complete_task(session, sapporo, task.id, "approve")
    with pytest.raises(NotFound):
        tasks.claim(session, sapporo, task.id)

    # The district still decides (a day later); the process goes on as before.
    clock.shift = dt.timedelta(days=1)
    tasks.complete_task(session, staff(session, "chuoeast"), task.id, "approve")
    assert tasks.search_inbox(session, sapporo, q)[1] == 0
    nxt = open_task_for(session, sapporo, app.id)
    assert nxt is not None and nxt.escalated_at is None
    session.refresh(instance)
    assert instance.timer_due_at > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=20)


def test_a_review_decided_in_time_cancels_its_timer_and_the_last_layer_leaves_none(session, clock):
    member = new_member(session)
    app = file_enrolment(session, member, chain=[("kitaku", "B-2"), ("sapporo", "B-2")])
    instance = instance_of(session, app)
    first = instance.timer_due_at
    tasks.complete_task(session, staff(session, "kitaku"), open_task_for(session, staff(session, "kitaku"), app.id).id,
                        "approve")
    session.refresh(instance)
    assert instance.timer_due_at is not None and instance.timer_due_at >= first
    tasks.complete_task(session, staff(session, "sapporo"),
                        open_task_for(session, staff(session, "sapporo"), app.id).id, "approve")
    session.refresh(instance)
    assert instance.status == "completed" and instance.timer_due_at is None
    clock.shift = dt.timedelta(days=90)
    assert instance.id not in runtime.due_timer_instances(
        session, dt.datetime.now(dt.UTC).replace(tzinfo=None) + clock.shift)


def test_a_returned_application_and_the_top_layer_are_not_escalated(session, clock):
    member = new_member(session)
    app = file_enrolment(session, member, chain=[("hokkaido", "A"), ("jma", "A1")])
    instance = instance_of(session, app)
    hokkaido, jma = staff(session, "hokkaido"), staff(session, "jma")
    first = open_task_for(session, hokkaido, app.id)
    tasks.complete_task(session, hokkaido, first.id, "return", "役職を確認してください")
    session.refresh(instance)
    clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    assert runtime.fire_timers(session, None, instance.id) is True
    clock.shift = dt.timedelta()
    # The applicant can still amend, and the review comes back to the same layer.
    amend = tasks.list_tasks(session, member, application_id=app.id)[0][0]
    tasks.complete_task(session, member, amend.id, changes={"position": "医長"})
    tasks.complete_task(session, hokkaido, open_task_for(session, hokkaido, app.id).id, "approve")
    session.refresh(instance)
    clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=1)
    assert runtime.fire_timers(session, None, instance.id) is True  # JMA is late: nobody above it
    assert session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
        HumanTask.application_id == app.id, HumanTask.escalated_at.is_not(None))) == 0
    tasks.complete_task(session, jma, open_task_for(session, jma, app.id).id, "approve")
    session.refresh(app)
    assert app.status == "approved"


def test_a_deadline_already_past_when_the_review_begins_escalates_the_new_task(session):
    """A timer already due when the review starts fires in the same step, before the review task
    exists: the task is created escalated, not left unmarked (the demo files this way)."""
    from membership import calendar

    member = new_member(session)
    with calendar.counting_from(dt.datetime.now(dt.UTC) - dt.timedelta(days=40)):
        app = file_enrolment(session, member)
    task = session.scalar(sa.select(HumanTask).where(HumanTask.application_id == app.id, HumanTask.status == "open"))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert task.due_at < now and task.escalated_at is not None
    assert task.escalated_to_association_id == staff(session, "sapporo").association_id
    assert session.info.get("mamis.pending_escalations") == {}  # nothing left to mark a later task
    mail = session.scalar(sa.select(Notification).where(Notification.subject.contains(f"申請番号 {app.id}")))
    assert mail is not None and "審査の遅延" in mail.subject
    # once the district approves, the next review starts on time: not escalated
    chuoeast = staff(session, "chuoeast")
    tasks.complete_task(session, chuoeast, open_task_for(session, chuoeast, app.id).id, "approve")
    nxt = session.scalar(sa.select(HumanTask).where(HumanTask.application_id == app.id, HumanTask.status == "open"))
    assert nxt.association_id == staff(session, "sapporo").association_id
    assert nxt.escalated_at is None and nxt.due_at > now


def test_a_review_filed_again_after_a_return_is_escalated_by_its_own_due_date(session, clock):
    """The deadline counts from each (re)start of the review: returned on the day it was filed and
    resubmitted 16 days later, the review is not escalated when the first deadline passes (it is
    not overdue), but once its own due date has passed — once."""
    from membership import calendar

    member = new_member(session)
    app = file_enrolment(session, member, chain=[("kitaku", "B-2"), ("sapporo", "B-2")])
    instance = instance_of(session, app)
    kitaku = staff(session, "kitaku")
    tasks.complete_task(session, kitaku, open_task_for(session, kitaku, app.id).id, "return", "役職を確認してください")
    real_now = dt.datetime.now(dt.UTC)
    amend = tasks.list_tasks(session, member, application_id=app.id)[0][0]
    with calendar.counting_from(real_now + dt.timedelta(days=16)):
        tasks.complete_task(session, member, amend.id, changes={"position": "医長"})
    review = open_task_for(session, kitaku, app.id)
    session.refresh(instance)
    first_deadline = instance.timer_due_at
    assert review.due_at > first_deadline  # the new review is due after the first deadline

    def fire_at(moment):
        clock.shift = moment - real_now.replace(tzinfo=None)
        fired = 0
        while instance.id in runtime.due_timer_instances(session, moment) and fired < 60:
            runtime.fire_timers(session, None, instance.id)
            session.refresh(instance)
            fired += 1
        session.refresh(review)

    fire_at(first_deadline + dt.timedelta(hours=1))
    assert review.escalated_at is None  # not overdue by its own due date: nobody is told yet
    fire_at(review.due_at + dt.timedelta(days=1, hours=1))
    assert review.escalated_to_association_id == staff(session, "sapporo").association_id
    fire_at(review.due_at + dt.timedelta(days=5))
    told = session.scalars(sa.select(Notification).where(Notification.subject.contains(f"申請番号 {app.id}"),
                                                         Notification.subject.contains("審査の遅延"))).all()
    assert len(told) == 1  # once


def test_a_look_that_came_too_early_is_repeated_by_the_morning_job(session):
    """A process version whose escalation timer fires once (deployed before the daily cycle, or a
    designer's) looks at a review returned and filed again, not overdue yet: the look is recorded,
    and the morning job escalates the review once it is overdue — once."""
    from engine import escalation
    from membership.actors import SYSTEM
    from membership.models import ApplicationPart

    app = file_enrolment(session, new_member(session))
    review = open_task_for(session, staff(session, "chuoeast"), app.id)
    part = session.scalar(sa.select(ApplicationPart).where(ApplicationPart.application_id == app.id,
                                                           ApplicationPart.association_id == review.association_id))
    assert escalation.escalate(session, SYSTEM, part.id) is None  # early: nothing said
    assert escalation.escalate_late(session, SYSTEM) == 0  # still not overdue
    assert session.get(HumanTask, review.id).escalated_at is None
    session.get(HumanTask, review.id).due_at = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=1)
    session.flush()
    assert escalation.escalate_late(session, SYSTEM) == 1
    session.expire_all()
    escalated = session.get(HumanTask, review.id)
    assert escalated.escalated_at is not None and escalated.status == "open"
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.subject.like(f"%審査の遅延のお知らせ（申請番号 {app.id}）%"))) == 1
    assert escalation.escalate_late(session, SYSTEM) == 0  # told once
