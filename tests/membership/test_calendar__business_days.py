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
    # …closed in every office, with no closed day of its own (as Japan's public offices are)
    (dt.date(2026, 12, 28), 1, frozenset(), dt.date(2027, 1, 4)),
    (dt.date(2027, 12, 27), 2, frozenset(), dt.date(2028, 1, 4)),  # any year, not only those set up
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
    assert r.status_code == 200 and "夏季休業" in r.get_data(as_text=True) and "年末年始" in r.get_data(as_text=True)
    assert 'id="closed-days-apply"' in r.get_data(as_text=True)  # says what an edit changes, and what not
    r = client.post("/admin/closed-days", data={"association": "otaru", "on_date": "2031-08-14", "label": "お盆"})
    assert r.status_code == 302
    assert "2031/08/14" in client.get("/admin/closed-days?association=otaru").get_data(as_text=True)
    # a name too long: said next to the name, and what was typed comes back (the date as the input takes it)
    r = client.post("/admin/closed-days", data={"association": "otaru", "on_date": "２０３１／８／１５",
                                                "label": "あ" * 41})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="error-label"' in page and 'href="#field-label"' in page
    assert 'value="2031-08-15"' in page and 'value="' + "あ" * 41 + '"' in page
    staff = app.test_client()
    staff.post("/login", data={"login_id": "staff@otaru", "password": "Mamis#2024"})
    assert staff.get("/admin/closed-days").status_code == 403


def test_due_soon_counts_the_office_s_business_days(session):
    """期限間近 is in business days, as due dates are: on a Friday morning the reviews due on
    Monday to Wednesday are due soon (72 hours ended on Monday morning, before any due time), and
    an office's closed day stretches it."""
    from engine import tasks

    friday = dt.datetime(2031, 12, 5, 1, 0)  # 10:00 JST, naive UTC as stored
    soon = tasks.due_soon_until(session, None, friday)
    monday_due = dt.datetime(2031, 12, 8, 14, 59, 59)  # 23:59:59 JST, as due dates are
    assert monday_due < soon and dt.datetime(2031, 12, 10, 14, 59, 59) < soon
    assert not dt.datetime(2031, 12, 11, 14, 59, 59) < soon  # Thursday: not yet
    admin = actor_for(session, "admin001")
    row = calendar.add_closed_day(session, admin, "otaru", "2031-12-09", "臨時休業")
    assert dt.datetime(2031, 12, 11, 14, 59, 59) < tasks.due_soon_until(session, row.association_id, friday)
