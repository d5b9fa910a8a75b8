"""Runs every process test case in processes/**/tests/*.json through the real engine.

A case names the chain applied for, the tasks expected in order (kind and association) with the
decision taken on each, and the outcome. Designers add cases next to the diagrams they change.

A transfer case (`"kind": "transfer"`) names `member_of`, the new chain `to` and the new
`facility` (part of its name); its date is tomorrow. A withdrawal case (`"kind": "withdrawal"`)
names the chain the member belongs to first (`member_of`, enrolled and approved), the
association left (`leave_from`, the cascade adds the layers above) and its steps;
`"after_date": true` lets the clock pass the desired date, so the process's timer fires, before
the outcome is checked. `memberships` lists the active ones.

A certification case (`"kind": "certification"`) names the chain the member belongs to
(`member_of`), the `system`, the `credits` earned ({category: amount}) and the certificates
already held (`holds`, systems, valid today); `certificates` in `expect` is how many certificates
the member then holds. A session case (`"kind": "session"`)
names the `organiser` association, whose secretariat files the session and amends it after a return.
A fee-reduction case (`"kind": "fee_reduction"`) names `member_of`; each association decides its own
part, so a decline does not end the others.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from engine import flows, runtime, tasks
from engine.models import ProcessInstance
from membership import certifications, fee_reductions, memberships
from membership.actors import SYSTEM
from membership.fields import today_jst
from membership.models import Certificate, Facility, Membership

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment

CASES = sorted((ROOT / "processes").glob("*/tests/*.json"))


@pytest.mark.parametrize("case_path", CASES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in CASES])
def test_process_case(session, clock, case_path):
    case = json.loads(case_path.read_text(encoding="utf-8"))
    member = new_member(session)
    applicant = member
    if case.get("kind") in ("withdrawal", "transfer", "certification", "fee_reduction"):
        joined = file_enrolment(session, member, chain=[tuple(x) for x in case["member_of"]])
        for code, _ in case["member_of"]:
            who = actor_for(session, f"staff@{code}")
            task = tasks.list_tasks(session, who, application_id=joined.id)[0][0]
            tasks.complete_task(session, who, task.id, "approve")
        for m in session.scalars(sa.select(Membership).where(Membership.group_id == joined.group_id)):
            m.since = today_jst() - dt.timedelta(days=365)  # a member for a year (the enrolment was dated ahead)
        if case["kind"] == "certification":
            for category, amount in case["credits"].items():
                certifications.add_credits(session, member, member.physician_id, case["system"], category, amount,
                                           today_jst() - dt.timedelta(days=1), "session")
            for n, system in enumerate(case.get("holds", [])):
                session.add(Certificate(physician_id=member.physician_id, system=system, mode="new",
                                        number=f"CASE{member.physician_id}-{n}", valid_from=today_jst(),
                                        valid_until=today_jst() + dt.timedelta(days=365),
                                        verification_code=f"CASE{member.physician_id}X{n}"))
            body = {"kind": "certification", "system": case["system"]}
        elif case["kind"] == "fee_reduction":
            body = {"kind": "fee_reduction", "group_id": joined.group_id, "reason": case.get("reason", "illness"),
                    "fiscal_year": str(fee_reductions.fiscal_year(today_jst()))}
        elif case["kind"] == "withdrawal":
            body = {"kind": "withdrawal", "group_id": joined.group_id, "associations": [case["leave_from"]],
                    "desired_date": today_jst().isoformat(), "reason": "retirement"}
        else:
            facility = session.scalar(sa.select(Facility.id).where(Facility.name.contains(case["facility"])))
            body = {"kind": "transfer", "group_id": joined.group_id, "facility_id": facility, "duty_code": "11",
                    "desired_date": (today_jst() + dt.timedelta(days=1)).isoformat(),
                    "associations": [{"code": c, "category": k} for c, k in case["to"]]}
        app = flows.submit_application(session, member, body)
    elif case.get("kind") == "session":
        applicant = actor_for(session, f"staff@{case['organiser']}")
        app = flows.submit_application(session, applicant, {
            "kind": "session", "title": case.get("title", "研修会"), "place": "医師会館", "capacity": "10",
            "starts_on": (today_jst() + dt.timedelta(days=10)).isoformat(),
            "credit_items": [{"system": "lifelong", "category": "lecture", "credits": "1"}]})
    else:
        app = file_enrolment(session, member, chain=[tuple(x) for x in case["chain"]])
    for number, step in enumerate(case["steps"], 1):
        who = applicant if step["task"] == "amend" else actor_for(session, f"staff@{step['association']}")
        open_rows = [(t, code) for t, code in tasks.list_tasks(session, who, application_id=app.id)]
        assert len(open_rows) == 1, f"step {number}: expected one open {step['task']} task, got {open_rows}"
        task, code = open_rows[0]
        assert task.kind == step["task"], f"step {number}"
        if step["task"] == "review":
            assert code == step["association"], f"step {number}"
        tasks.complete_task(session, who, task.id, step.get("decision"), step.get("comment", ""),
                            step.get("changes"))
    if case.get("after_date"):
        instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
        assert instance.timer_due_at is not None, "the process should wait for the date"
        clock.shift = instance.timer_due_at - dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
        assert runtime.fire_timers(session, SYSTEM, instance.id)
    session.refresh(app)
    expect = case["expect"]
    assert app.status == expect["application"]
    assert [p.status for p in app.parts] == expect["parts"]
    assert [m.association.code for m in memberships.memberships_of(session, member.physician_id)
            if m.status == "active"] == expect["memberships"]
    assert all(t.status != "open" for t, _ in tasks.list_tasks(session, applicant, status="all",
                                                               application_id=app.id))
    if "certificates" in expect:
        assert len(certifications.certificates_of(session, member.physician_id)) == expect["certificates"]
