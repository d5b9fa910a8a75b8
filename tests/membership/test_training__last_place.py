"""Two physicians taking the last place of a session at the same moment: exactly one gets it,
the other is told the session is full (the session row is locked while a place is given)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine import flows, tasks
from membership import training
from membership.errors import Conflict
from membership.fields import today_jst
from membership.models import SessionRegistration

from ..conftest import actor_for, new_member
from ..helpers import open_task_for

pytestmark = pytest.mark.commits


def test_the_last_place_is_given_once(db_engine, monkeypatch):
    with Session(db_engine, expire_on_commit=False) as s:
        app = flows.submit_application(s, actor_for(s, "staff@sapporo"), {
            "kind": "session", "title": "定員1名の研修会", "place": "会議室", "capacity": "1",
            "starts_on": (today_jst() + dt.timedelta(days=5)).isoformat(),
            "credit_items": [{"system": "lifelong", "category": "lecture", "credits": "1"}]})
        s.commit()
        for code in ("hokkaido", "jma"):
            staff = actor_for(s, f"staff@{code}")
            tasks.complete_task(s, staff, open_task_for(s, staff, app.id).id, "approve")
            s.commit()
        session_id = app.payload["session_id"]
        doctors = [new_member(s, "last") for _ in range(2)]
        s.commit()

    real_count = training.registered_count
    first_inside = threading.Event()

    def slow_count(session, sid):
        # The first registration holds the session's lock while it counts; the second arrives meanwhile.
        found = real_count(session, sid)
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.6)
        return found

    monkeypatch.setattr(training, "registered_count", slow_count)
    outcomes: list[str] = []

    def attempt(doctor):
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                training.register(s, doctor, session_id)
                s.commit()
                outcomes.append("ok")
            except Conflict as exc:
                s.rollback()
                outcomes.append(exc.message_key)

    first = threading.Thread(target=attempt, args=(doctors[0],))
    first.start()
    assert first_inside.wait(5)
    second = threading.Thread(target=attempt, args=(doctors[1],))
    second.start()
    first.join(20)
    second.join(20)
    assert sorted(outcomes) == ["ok", "session_full"]
    with Session(db_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(SessionRegistration).where(
            SessionRegistration.session_id == session_id, SessionRegistration.status == "registered")) == 1


def test_a_session_has_started_at_its_starting_time_in_japan():
    """A place may be given up on the morning of an afternoon session (it starts at 13:30 JST), not
    after; a session that says no time has started when its day begins."""
    import datetime as dt

    from membership.models import TrainingSession
    from membership.training import has_started

    ts = TrainingSession(starts_on=dt.date(2031, 6, 10), ends_on=dt.date(2031, 6, 10), starts_at=dt.time(13, 30))
    utc = dt.UTC
    assert not has_started(ts, dt.datetime(2031, 6, 9, 23, 0, tzinfo=utc))  # 08:00 JST on the day
    assert has_started(ts, dt.datetime(2031, 6, 10, 4, 30, tzinfo=utc))  # 13:30 JST
    assert not has_started(ts, dt.datetime(2031, 6, 9, 14, 0, tzinfo=utc))  # 23:00 JST the day before
    ts.starts_at = None
    assert has_started(ts, dt.datetime(2031, 6, 9, 15, 0, tzinfo=utc))  # 00:00 JST on the day
    assert not has_started(ts, dt.datetime(2031, 6, 9, 14, 59, tzinfo=utc))
