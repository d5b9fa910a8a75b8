"""Japanese business days: weekends, national holidays and the office's closed days (年末年始)."""

from __future__ import annotations

import datetime as dt

import pytest

from membership import calendar
from membership.errors import Forbidden, ValidationFailed

from ..conftest import actor_for

YEAR_END_2026 = frozenset(calendar.year_end(2026))


@pytest.mark.parametrize(("start", "days", "closed", "expected"), [
    # a plain week: Monday + 3 → Thursday
    (dt.date(2026, 6, 1), 3, frozenset(), dt.date(2026, 6, 4)),
    # Friday + 1 → Monday
    (dt.date(2026, 6, 5), 1, frozenset(), dt.date(2026, 6, 8)),
    # Golden Week 2026: 4/29 (Wed) 昭和の日, 5/3 (Sun) 憲法記念日, 5/4 みどりの日, 5/5 こどもの日, 5/6 振替休日
    (dt.date(2026, 4, 28), 1, frozenset(), dt.date(2026, 4, 30)),
    (dt.date(2026, 5, 1), 1, frozenset(), dt.date(2026, 5, 7)),
    # 年末年始: 12/29–1/3 closed, 1/1 a holiday anyway; 12/28 (Mon) + 1 → 1/4 (Mon)
    (dt.date(2026, 12, 28), 1, YEAR_END_2026, dt.date(2027, 1, 4)),
    # …but without the closed days only the holiday and the weekend count
    (dt.date(2026, 12, 28), 1, frozenset(), dt.date(2026, 12, 29)),
    # 14 business days across 年末年始: 12/21 → 1/15 (成人の日 1/11 too)
    (dt.date(2026, 12, 21), 14, YEAR_END_2026, dt.date(2027, 1, 15)),
])
def test_adding_business_days(start, days, closed, expected):
    assert calendar.add_business_days(start, days, closed) == expected


def test_a_review_task_is_due_in_business_days_of_its_association(session):
    from engine import tasks

    from ..conftest import new_member
    from ..helpers import file_enrolment

    member = new_member(session)
    app = file_enrolment(session, member)
    task = tasks.list_tasks(session, actor_for(session, "staff@chuoeast"), application_id=app.id)[0][0]
    assert task.due_at is not None
    due_day = (task.due_at.replace(tzinfo=dt.UTC)).astimezone(calendar.JST).date()
    closed = calendar.closed_days(session, task.association_id)
    today = dt.datetime.now(calendar.JST).date()
    assert due_day == calendar.add_business_days(today, 14, closed)
    assert calendar.is_business_day(due_day, closed)


def test_only_admins_edit_closed_days_and_the_due_dates_follow(session):
    with pytest.raises(Forbidden):
        calendar.add_closed_day(session, actor_for(session, "staff@otaru"), "otaru", "2030-08-13", "お盆")
    admin = actor_for(session, "admin001")
    row = calendar.add_closed_day(session, admin, "otaru", "2030-08-13", "お盆")
    assert row.renamed_from is None
    again = calendar.add_closed_day(session, admin, "otaru", "2030-08-13", "夏季休業")  # the same day: renamed
    assert again.id == row.id and again.renamed_from == "お盆" and again.label == "夏季休業"
    with pytest.raises(ValidationFailed) as failed:
        calendar.add_closed_day(session, admin, "otaru", "2030-08-14", "休" * 41)
    assert set(failed.value.fields) == {"label"}  # the name, not the date
    days = calendar.closed_days(session, row.association_id)
    assert dt.date(2030, 8, 13) in days
    assert calendar.add_business_days(dt.date(2030, 8, 12), 1, days) == dt.date(2030, 8, 14)
    calendar.remove_closed_day(session, admin, row.id)
    assert dt.date(2030, 8, 13) not in calendar.closed_days(session, row.association_id)


def test_the_admin_screen_edits_closed_days(app, session):
    client = app.test_client()
    client.post("/login", data={"login_id": "admin001", "password": "Mamis#2024"})
    r = client.get("/admin/closed-days?association=otaru")
    assert r.status_code == 200 and "年末年始" in r.get_data(as_text=True)
    r = client.post("/admin/closed-days", data={"association": "otaru", "on_date": "2031-08-14", "label": "お盆"})
    assert r.status_code == 302
    assert "2031/08/14" in client.get("/admin/closed-days?association=otaru").get_data(as_text=True)
    staff = app.test_client()
    staff.post("/login", data={"login_id": "staff@otaru", "password": "Mamis#2024"})
    assert staff.get("/admin/closed-days").status_code == 403
