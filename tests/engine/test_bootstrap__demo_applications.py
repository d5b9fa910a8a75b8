"""`make run`'s demo has work in the inboxes: applications at different stages, filed through the
real use cases, once."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine import bootstrap, tasks
from membership import memberships
from membership.models import ApplicationNote, UserAccount

from ..conftest import actor_for


def open_tasks(s, code):
    """The office's open tasks on the demo applicants' applications (tests that commit may have left
    others in a shared database)."""
    from membership.demo import APPLICANTS

    demo = {f"{family} {given}" for _login, family, given, *_rest in APPLICANTS}
    return [(t.application_kind, t.applicant_name, t.claimed_by_user_id)
            for t, _ in tasks.list_tasks(s, actor_for(s, f"staff@{code}")) if t.applicant_name in demo]


def test_the_demo_files_applications_at_different_stages_once(session):
    assert bootstrap.load_demo_applications(session) is True
    chuoeast = actor_for(session, "staff@chuoeast")
    assert sorted(open_tasks(session, "chuoeast")) == [
        ("enrolment", "北海 一郎", None), ("enrolment", "大通 美咲", chuoeast.user_id)]  # one claimed
    assert sorted(open_tasks(session, "sapporo")) == [("enrolment", "中央 次郎", None),  # approved below
                                                      ("withdrawal", "薄野 五郎", None)]
    assert open_tasks(session, "kitaku") == [("enrolment", "北 四郎", None)]
    # filed a month ago: overdue at 北区支部, and escalated to 札幌市医師会 by the process's timer
    [(overdue, _)] = [(t, x) for t, x in tasks.search_inbox(session, actor_for(session, "staff@kitaku"),
                                                            tasks.parse_query({"view": "overdue"}))[0]
                      if t.applicant_name == "北 四郎"]
    assert overdue.applicant_name == "北 四郎" and overdue.due_at < dt.datetime.now(dt.UTC).replace(tzinfo=None)
    [(escalated, _)] = [(t, x) for t, x in tasks.search_inbox(session, actor_for(session, "staff@sapporo"),
                                                              tasks.parse_query({"view": "escalated"}))[0]
                        if t.applicant_name == "北 四郎"]
    assert escalated.id == overdue.id and escalated.escalated_at is not None
    # told once, though the daily look's missed days all fire in the step that began the review
    from membership.models import Notification

    told = session.scalars(sa.select(Notification.subject).where(
        Notification.subject.like(f"%審査の遅延のお知らせ（申請番号 {overdue.application_id}）%"))).all()
    assert len(told) == 1, told
    assert (dt.datetime.now(dt.UTC).replace(tzinfo=None) - overdue.created_at).days == 30
    assert open_tasks(session, "jma") == []  # each layer in turn
    note = session.scalar(sa.select(ApplicationNote).order_by(ApplicationNote.id.desc()).limit(1))
    assert note is not None and not note.to_applicant
    goro = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "susukinogoro"))
    held = [m.association.code for m in memberships.memberships_of(session, goro.physician_id)]
    assert held == ["chuoeast", "sapporo", "hokkaido", "jma"]  # nothing ends before every layer approves
    # the demo's applicants can log in with the demo password, as printed
    from membership.demo import APPLICANTS, DEMO_PASSWORD, demo_logins

    assert {login for login, *_ in APPLICANTS} <= {login for login, _ in demo_logins()}
    from membership import accounts

    assert accounts.authenticate(session, "hokkaiichiro", DEMO_PASSWORD, "127.0.0.1").login_id == "hokkaiichiro"
    before = session.scalar(sa.select(sa.func.count()).select_from(ApplicationNote))
    assert bootstrap.load_demo_applications(session) is False  # idempotent
    assert session.scalar(sa.select(sa.func.count()).select_from(ApplicationNote)) == before
    assert len(open_tasks(session, "chuoeast")) == 2


def test_the_demo_member_has_credits_a_session_and_certificates_held_before_the_system(session):
    from membership import certifications
    from membership.errors import ValidationFailed

    assert bootstrap.load_demo_activity(session) is True
    otaru = actor_for(session, "staff@otaru")
    expiring, _ = certifications.roster(session, otaru, state="expiring")
    valid, _ = certifications.roster(session, otaru)
    assert [c.number for c in expiring] == ["LL-PAPER-1187"] and expiring[0].application_id is None
    assert {c.number for c in valid} == {"LL-PAPER-1187", "SP-PAPER-0042"}
    sports = certifications.by_number(session, "SP-PAPER-0042")
    assert certifications.verify(session, sports.verification_code) == sports  # checked like any other
    from membership import benefits

    held = benefits.of_physician(session, sports.physician_id)  # the insurance and pension, as JMA's data says
    assert {k: b.status for k, b in held.items()} == {"liability": "enrolled", "liability_rider": "not_enrolled",
                                                      "pension": "enrolled"}
    assert bootstrap.load_demo_activity(session) is False
    with pytest.raises(ValidationFailed) as bad:
        certifications.add_existing(session, None, sports.physician_id, "golf", "SP-PAPER-0042",
                                    dt.date(2020, 1, 2), dt.date(2020, 1, 1))
    assert set(bad.value.fields) == {"system", "number", "valid_until"}
