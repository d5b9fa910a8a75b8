"""The audit trail's search for administrators: filters by day (in Japan), by who acted or for
whom, by kind of action and object; pages cut at an id; bad filters named; administrators only."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from membership import audit
from membership.errors import Forbidden, ValidationFailed
from membership.models import AuditEvent

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment


@pytest.fixture
def trail(session):
    """An enrolment filed by a member and one filed for another member by staff, and an old row."""
    member, other = new_member(session, "audm"), new_member(session, "audo")
    staff = actor_for(session, "staff@chuoeast")
    mine = file_enrolment(session, member)
    audit.record(session, staff, "application.note", "application", mine.id, on_behalf_of_user_id=other.user_id,
                 note="電話で確認")
    audit.record(session, staff, "closed_day.add", "closed_day", 7, on="2026-12-29")
    session.flush()
    # a row from 2 January in Japan, written at 15:30 UTC on the 1st
    old = AuditEvent(at=dt.datetime(2026, 1, 1, 15, 30), actor_user_id=staff.user_id, action="task.claim",
                     object_type="human_task", object_id=1, detail={})
    session.add(old)
    session.flush()
    return {"member": member, "other": other, "staff": staff, "application": mine, "old": old}


def test_filters_by_who_acted_or_for_whom_by_action_and_by_object(session, trail):
    admin = actor_for(session, "admin001")
    rows, _ = audit.search(session, admin, audit.parse_query({"login_id": trail["member"].login_id}))
    # what they did themselves (filed it), and their registration (by no one: the system)
    assert {r.actor_login for r in rows if r.object_type not in ("user_account", "physician")} == {
        trail["member"].login_id}
    assert {("user.create", None), ("physician.register", None)} <= {(r.action, r.actor_login) for r in rows}
    assert ("application.submit", "application", trail["application"].id) in {
        (r.action, r.object_type, r.object_id) for r in rows}

    acted_for, _ = audit.search(session, admin, audit.parse_query({"login_id": trail["other"].login_id}))
    note = next(r for r in acted_for if r.action == "application.note")
    assert note.actor_login == "staff@chuoeast" and note.for_login == trail["other"].login_id
    assert note.detail == {"note": "電話で確認"}

    family, _ = audit.search(session, admin, audit.parse_query({"action": "closed_day", "login_id": "staff@chuoeast"}))
    assert [r.action for r in family][:1] == ["closed_day.add"] and all(r.action.startswith("closed_day.")
                                                                       for r in family)
    one, _ = audit.search(session, admin, audit.parse_query(
        {"object_type": "application", "object_id": str(trail["application"].id), "action": "application.note"}))
    assert [(r.object_type, r.object_id, r.action) for r in one] == [
        ("application", trail["application"].id, "application.note")]


def test_a_day_is_a_day_in_japan(session, trail):
    admin = actor_for(session, "admin001")
    jan2, _ = audit.search(session, admin, audit.parse_query({"date_from": "2026-01-02", "date_to": "2026-01-02"}))
    assert trail["old"].id in {r.id for r in jan2}
    jan1, _ = audit.search(session, admin, audit.parse_query({"date_from": "2026-01-01", "date_to": "2026-01-01"}))
    assert trail["old"].id not in {r.id for r in jan1}


def test_pages_follow_each_other_without_gaps_or_repeats(session, trail):
    admin = actor_for(session, "admin001")
    query = audit.parse_query({"login_id": "staff@chuoeast"})
    everything = [r.id for r in audit.search(session, admin, query, per_page=10_000)[0]]
    assert len(everything) >= 3 and everything == sorted(everything, reverse=True)  # newest first
    seen, before = [], None
    while True:
        query.before = before
        rows, before = audit.search(session, admin, query, per_page=2)
        seen += [r.id for r in rows]
        if before is None:
            break
    assert seen == everything


def test_bad_filters_are_named_and_only_administrators_search(session):
    with pytest.raises(ValidationFailed) as bad:
        audit.parse_query({"date_from": "2026-13-01", "action": "drop table", "object_type": "x", "object_id": "1a",
                           "before": "-3"})
    assert set(bad.value.fields) == {"date_from", "action", "object_type", "object_id", "before"}
    with pytest.raises(ValidationFailed) as backwards:
        audit.parse_query({"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert backwards.value.fields == {"date_to": ("date_range_order", {})}  # the order, not the format
    assert audit.parse_query({"action": "task.complete"}).action == "task.complete"
    for login in ("staff@jma", "nichiitaro", "designer01"):
        with pytest.raises(Forbidden):
            audit.search(session, actor_for(session, login), audit.AuditQuery())
        with pytest.raises(Forbidden):
            audit.export_rows(session, actor_for(session, login), audit.AuditQuery())


def test_an_export_is_itself_recorded(session, trail):
    admin = actor_for(session, "admin001")
    rows = list(audit.export_rows(session, admin, audit.parse_query({"action": "closed_day"}), batch=1))
    assert rows and all(r.action.startswith("closed_day.") for r in rows)
    session.flush()
    recorded = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export")
                              .order_by(AuditEvent.id.desc()))
    assert recorded.actor_user_id == admin.user_id and recorded.detail == {"filters": {"action": "closed_day"}}


def test_every_kind_of_action_and_object_the_code_records_is_offered_by_the_screen():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = "\n".join(path.read_text(encoding="utf-8") for path in [
        *root.glob("membership/*.py"), *root.glob("engine/*.py"), *root.glob("webapp/**/*.py")])
    calls = re.findall(r'audit\.record\(\s*[^,]+,\s*[^,]+,\s*f?"([a-z_]+)\.[^"]*"(?: if [^,]+)?,\s*"([a-z_]+)"', code)
    assert len(calls) == code.count("audit.record(") > 50  # every call is read: none escapes the check
    assert {family for family, _ in calls} - set(audit.ACTION_FAMILIES) == set()
    assert {object_type for _, object_type in calls} - set(audit.OBJECT_TYPES) == set()


def test_a_login_finds_what_was_done_to_that_persons_account_and_physician_record(session, trail):
    admin, member = actor_for(session, "admin001"), trail["member"]
    audit.record(session, admin, "credentials.issue", "user_account", member.user_id)
    audit.record(session, admin, "profile.update", "physician", member.physician_id, fields=["address"])
    audit.record(session, admin, "profile.update", "physician", trail["other"].physician_id, fields=["address"])
    audit.flush(session)
    rows, _ = audit.search(session, admin, audit.parse_query({"login_id": member.login_id, "action": "profile"}))
    assert [(r.object_type, r.object_id) for r in rows] == [("physician", member.physician_id)]
    rows, _ = audit.search(session, admin, audit.parse_query({"login_id": member.login_id,
                                                              "action": "credentials.issue"}))
    assert [(r.actor_login, r.object_id) for r in rows] == [("admin001", member.user_id)]
