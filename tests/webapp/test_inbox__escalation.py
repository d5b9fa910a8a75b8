"""Escalation through the screens and the beat job: the overdue district review appears, read only,
in the city association's 上位への通知 view; the district still decides."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine.models import HumanTask, ProcessInstance
from membership.models import Notification

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment
from ..helpers import login_client as login


def test_the_beat_job_escalates_and_the_next_layer_reads_but_cannot_decide(app, session, clock, api):
    from webapp import jobs

    member = new_member(session)
    application = file_enrolment(session, member)
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == application.id))
    task = session.scalar(sa.select(HumanTask).where(HumanTask.application_id == application.id,
                                                     HumanTask.status == "open"))
    job = app.extensions["celery"].tasks[jobs.fire_timers.name]
    job()
    assert session.get(HumanTask, task.id).escalated_at is None  # not due yet

    clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=5)
    session.execute(sa.update(ProcessInstance).where(ProcessInstance.id == instance.id)
                    .values(timer_due_at=dt.datetime(2020, 1, 1)))  # what the beat sees as due now
    assert job() >= 1
    session.expire_all()
    assert session.get(HumanTask, task.id).escalated_at is not None
    mail = session.scalar(sa.select(Notification).where(Notification.to_address == "office@sapporo.example.jp",
                                                        Notification.subject.contains(str(application.id))))
    assert mail is not None and "中央区東支部" in mail.body

    city = login(app, "staff@sapporo")
    page = city.get("/inbox?view=escalated").get_data(as_text=True)
    assert f'href="/tasks/{task.id}"' in page and "上位への通知" in page
    detail = city.get(f"/tasks/{task.id}")
    body = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "閲覧のみ" in body and "中央区東支部" in body
    assert 'name="decision"' not in body and "担当する" not in body
    assert city.post(f"/tasks/{task.id}", data={"decision": "approve", "comment": ""}).status_code == 404
    assert city.post(f"/tasks/{task.id}/claim").status_code == 404
    r = api("staff@sapporo").post(f"/api/v1/tasks/{task.id}/complete", json={"decision": "approve"})
    assert r.status_code == 404
    # A note from the city association reaches the district's staff.
    assert city.post(f"/tasks/{task.id}/notes", data={"note": "進捗を教えてください"}).status_code == 302

    district = login(app, "staff@chuoeast")
    own = district.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "上位の医師会に通知されました" in own and 'name="decision"' in own and "進捗を教えてください" in own
    assert f'href="/members/{member.physician_id}?task={task.id}"' in own  # the applicant's record, in scope
    assert "上位へ通知済" in district.get("/inbox").get_data(as_text=True)
    # Other offices do not see it at all.
    assert login(app, "staff@kitaku").get(f"/tasks/{task.id}").status_code == 404


def test_the_embedded_beat_runs_the_timers_every_tick_and_the_digest_from_half_past_seven(app, session):
    from webapp import embedded_beat

    early = embedded_beat.run_once(app, now=dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.UTC))
    every_tick = {"fire_timers", "flush_outbox", "resume_bulk_runs", "resume_import_runs"}
    assert set(early) == every_tick  # 06:00 JST: no digest yet
    app.extensions.pop(embedded_beat.DAILY_DONE, None)
    late = embedded_beat.run_once(app, now=dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC))  # 09:00 JST
    assert set(late) == every_tick | {"daily_digest", "certificate_reminders", "purge_drafts"}
    # once a day: the next tick runs the timers only, the next morning the daily jobs again
    assert set(embedded_beat.run_once(app, now=dt.datetime(2026, 11, 24, 0, 1, tzinfo=dt.UTC))) == every_tick
    tomorrow = embedded_beat.run_once(app, now=dt.datetime(2026, 11, 25, 0, 0, tzinfo=dt.UTC))
    assert set(tomorrow) == every_tick | {"daily_digest", "certificate_reminders", "purge_drafts"}
    assert not app.before_request_funcs.get(None) or all(
        f.__name__ != "_start_beat" for f in app.before_request_funcs[None])  # never in tests


def test_the_api_reads_an_escalated_task_too(app, session, clock, api):
    member = new_member(session)
    application = file_enrolment(session, member)
    task = session.scalar(sa.select(HumanTask).where(HumanTask.application_id == application.id,
                                                     HumanTask.status == "open"))
    city = api("staff@sapporo")
    assert city.get(f"/api/v1/tasks/{task.id}").status_code == 404
    task.escalated_at = dt.datetime(2026, 1, 1)
    task.escalated_to_association_id = actor_for(session, "staff@sapporo").association_id
    session.flush()
    listed = city.get("/api/v1/tasks?view=escalated").get_json()
    assert [t["id"] for t in listed] == [task.id]
    assert city.get(f"/api/v1/tasks/{task.id}").status_code == 200
