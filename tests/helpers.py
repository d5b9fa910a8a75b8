"""Helpers shared by the tests: filing enrolments and working tasks through the real use cases."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from engine import flows, tasks
from membership.actors import Actor
from membership.fields import today_jst
from membership.models import Membership

FULL_CHAIN = [("chuoeast", "A-1"), ("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")]


def future(days: int = 30) -> str:
    return (today_jst() + dt.timedelta(days=days)).isoformat()


def enrolment_body(chain=FULL_CHAIN, facility_id: int = 1, **extra) -> dict:
    body = {"kind": "enrolment", "desired_date": future(), "facility_id": facility_id, "duty_code": "11",
            "position": "院長", "associations": [{"code": c, "category": k} for c, k in chain]}
    body.update(extra)
    return body


def file_enrolment(s, member: Actor, chain=FULL_CHAIN, **extra):
    return flows.submit_application(s, member, enrolment_body(chain, **extra))


def open_task_for(s, staff: Actor, application_id: int):
    rows = tasks.list_tasks(s, staff, application_id=application_id)
    assert len(rows) <= 1, rows
    return rows[0][0] if rows else None


def login_client(app, login_id: str, password: str = "Mamis#2024"):
    """A test client logged in through the login screen."""
    client = app.test_client()
    r = client.post("/login", data={"login_id": login_id, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def approved_member(s, chain=FULL_CHAIN, prefix: str = "mbr", begun: bool = True):
    """A new member whose enrolment into `chain` every layer has approved: (actor, group id). The
    enrolment is dated a month ahead; `begun` makes the memberships a year old instead, so that a
    transfer or withdrawal dated today ends memberships that have begun."""
    from .conftest import actor_for, new_member

    member = new_member(s, prefix=prefix)
    app = file_enrolment(s, member, chain=chain)
    for code, _ in chain:
        staff = actor_for(s, f"staff@{code}")
        tasks.complete_task(s, staff, open_task_for(s, staff, app.id).id, "approve")
    for m in s.scalars(sa.select(Membership).where(Membership.group_id == app.group_id)) if begun else ():
        m.since = today_jst() - dt.timedelta(days=365)
    s.flush()
    return member, app.group_id


def at_once(*calls, timeout: float = 20) -> None:
    """Run the calls (no arguments) on threads started together, and wait for all of them: two
    requests racing for the same rows."""
    import threading

    threads = [threading.Thread(target=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)


def group_of_its_own(s, physician_id: int, chain, since: dt.date):
    """Memberships of one new group, made as an approved enrolment makes them (a joined event each):
    for tests of what offices see of a member of two lines — an import may not add a physician
    another line holds (decision 0053). `chain`: [(association code, category code)], lowest first."""
    from membership.models import Association, MemberCategory, MembershipEvent, MembershipGroup

    group = MembershipGroup(physician_id=physician_id)
    s.add(group)
    s.flush()
    for code, category in chain:
        association = s.scalar(sa.select(Association).where(Association.code == code))
        held = Membership(group_id=group.id, physician_id=physician_id, association_id=association.id,
                          layer=association.layer, since=since, status="active",
                          category_id=s.scalar(sa.select(MemberCategory.id).where(
                              MemberCategory.association_id == association.id, MemberCategory.code == category)))
        s.add(held)
        s.flush()
        s.add(MembershipEvent(membership_id=held.id, physician_id=physician_id, association_id=association.id,
                              kind="joined", on_date=since))
    s.flush()
    return group
