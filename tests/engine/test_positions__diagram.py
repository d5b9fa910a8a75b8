"""The process viewer's data: which elements of which diagram are done and which are active."""

from __future__ import annotations

import sqlalchemy as sa

from engine import positions, tasks
from engine.models import ProcessInstance

from ..conftest import actor_for, new_member
from ..helpers import file_enrolment, open_task_for


def test_the_current_review_is_active_in_both_diagrams_and_passed_elements_are_done(session):
    member = new_member(session)
    app = file_enrolment(session, member)
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    top, sub = positions.positions(session, None, instance)
    assert (top["key"], sub["key"]) == ("enrolment", "layer_review")
    assert top["active"] == ["review_layer"] and top["waiting"] == ["review_overdue"]  # its timer, not yet due
    assert {"start", "pick_next_part", "any_part_left", "set_deadline"} <= set(top["done"])
    assert "finish_application" not in top["done"] + top["active"]
    assert sub["active"] == ["review"] and sub["active_names"] == ["事務局の審査"]
    assert {"start", "open_review"} <= set(sub["done"])
    assert top["xml"].startswith("<?xml") and 'id="review_layer"' in top["xml"]

    staff = actor_for(session, "staff@chuoeast")
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "return", "役職を確認してください")
    top, sub = positions.positions(session, None, instance)
    assert sub["active"] == ["amend"] and {"review", "return_part"} <= set(sub["done"])


def test_a_finished_instance_shows_its_path_and_nothing_active(session):
    member = new_member(session)
    app = file_enrolment(session, member, chain=[("hokkaido", "A"), ("jma", "A1")])
    for code in ("hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))
    [top] = positions.positions(session, None, instance)
    assert top["active"] == [] and {"review_layer", "finish_application", "end_approved"} <= set(top["done"])
    assert "end_rejected" not in top["done"] and "escalate" not in top["done"]
