"""Runs every process test case in processes/**/tests/*.json through the real engine.

A case names the chain applied for, the tasks expected in order (kind and association) with the
decision taken on each, and the outcome. Designers add cases next to the diagrams they change.
"""

from __future__ import annotations

import json

import pytest

from engine import tasks
from membership import memberships

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment

CASES = sorted((ROOT / "processes").glob("*/tests/*.json"))


@pytest.mark.parametrize("case_path", CASES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in CASES])
def test_process_case(session, case_path):
    case = json.loads(case_path.read_text(encoding="utf-8"))
    member = new_member(session)
    app = file_enrolment(session, member, chain=[tuple(x) for x in case["chain"]])
    for number, step in enumerate(case["steps"], 1):
        who = member if step["task"] == "amend" else actor_for(session, f"staff@{step['association']}")
        open_rows = [(t, code) for t, code in tasks.list_tasks(session, who, application_id=app.id)]
        assert len(open_rows) == 1, f"step {number}: expected one open {step['task']} task, got {open_rows}"
        task, code = open_rows[0]
        assert task.kind == step["task"], f"step {number}"
        if step["task"] == "review":
            assert code == step["association"], f"step {number}"
        tasks.complete_task(session, who, task.id, step.get("decision"), step.get("comment", ""),
                            step.get("changes"))
    session.refresh(app)
    expect = case["expect"]
    assert app.status == expect["application"]
    assert [p.status for p in app.parts] == expect["parts"]
    assert [m.association.code for m in memberships.memberships_of(session, member.physician_id)] == \
        expect["memberships"]
    assert all(t.status != "open" for t, _ in tasks.list_tasks(session, member, status="all",
                                                               application_id=app.id))
