"""A draft is replayed against the last completed applications before it is deployed."""

from __future__ import annotations

import sqlalchemy as sa

from engine import dry_run, services, tasks
from engine.models import ProcessDefinition
from membership.models import Application, ApplicationPart

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment, open_task_for

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
CHAIN = [("otaru", "A-1")]


def _decided(session, decision):
    staff = actor_for(session, "staff@otaru")
    app = file_enrolment(session, new_member(session), chain=CHAIN)
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, decision,
                        comment="理由" if decision != "approve" else "")
    session.refresh(app)
    return app


def _counts(session):
    return [session.scalar(sa.select(sa.func.count()).select_from(m)) for m in
            (Application, ApplicationPart, ProcessDefinition)]


def test_the_simulation_answers_every_service_operation():
    assert set(dry_run._Simulation.services(object.__new__(dry_run._Simulation))) == set(services.SERVICES)


def test_an_unchanged_path_is_reported_the_same_and_nothing_is_written(session):
    approved, rejected = _decided(session, "approve"), _decided(session, "reject")
    before = _counts(session)
    results = dry_run.dry_run(session, "layer_review", REVIEW.replace('name="事務局の審査"', 'name="一次審査"'))
    by_app = {r.application_id: r for r in results}
    assert by_app[approved.id].recorded_outcome == by_app[approved.id].draft_outcome == "approved"
    assert by_app[rejected.id].recorded_outcome == by_app[rejected.id].draft_outcome == "rejected"
    assert not any(r.differs for r in (by_app[approved.id], by_app[rejected.id]))
    assert by_app[approved.id].replayed[0].name == "一次審査"  # the draft's names
    assert _counts(session) == before
    session.refresh(rejected)
    assert rejected.status == "rejected"


def test_a_changed_gateway_is_reported_where_it_takes_another_end(session):
    approved, rejected = _decided(session, "approve"), _decided(session, "reject")
    swapped = REVIEW.replace('decision == "reject"', 'decision == "__tmp__"').replace(
        'decision == "approve"', 'decision == "reject"').replace('decision == "__tmp__"', 'decision == "approve"')
    by_app = {r.application_id: r for r in dry_run.dry_run(session, "layer_review", swapped)}
    # a rejection now approves the part, but the enrolment still ends on the recorded decision:
    # the application would stay under review for ever, and an approval would break
    assert by_app[rejected.id].differs and by_app[rejected.id].draft_outcome == "in_review"
    assert by_app[approved.id].differs and by_app[approved.id].draft_outcome == "error"
    assert "rejected" in by_app[approved.id].note


def test_a_new_task_nobody_decided_stops_the_replay_there(session):
    app = _decided(session, "approve")
    extra = REVIEW.replace('sourceRef="review" targetRef="decision_made"', 'sourceRef="review" targetRef="board"') \
        .replace('<bpmn:exclusiveGateway id="decision_made" name="判断">',
                 '<bpmn:userTask id="board" name="理事会の承認"><bpmn:extensionElements><spiffworkflow:properties>'
                 '<spiffworkflow:property name="kind" value="review" />'
                 '<spiffworkflow:property name="form_key" value="review_decision" />'
                 '<spiffworkflow:property name="candidate_association" value="part[&quot;association&quot;]" />'
                 '</spiffworkflow:properties></bpmn:extensionElements>'
                 '<bpmn:incoming>flow_to_decision</bpmn:incoming><bpmn:outgoing>flow_board</bpmn:outgoing>'
                 '</bpmn:userTask><bpmn:sequenceFlow id="flow_board" sourceRef="board" targetRef="decision_made" />'
                 '<bpmn:exclusiveGateway id="decision_made" name="判断">') \
        .replace('<bpmn:incoming>flow_to_decision</bpmn:incoming>\n      <bpmn:outgoing>flow_approve',
                 '<bpmn:incoming>flow_board</bpmn:incoming>\n      <bpmn:outgoing>flow_approve')
    result = next(r for r in dry_run.dry_run(session, "layer_review", extra) if r.application_id == app.id)
    assert result.differs and result.draft_outcome == "waiting"
    recorded, draft = result.difference()
    assert "理事会の承認" in draft and result.note == "no recorded decision"
    assert recorded == "—"
