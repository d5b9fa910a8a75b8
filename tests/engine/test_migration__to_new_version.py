"""Admins migrate waiting instances to the latest versions; refused (and untouched) where the
task an instance is at no longer exists."""

from __future__ import annotations

import sqlalchemy as sa

from engine import deploy, migration, tasks
from engine.models import HumanTask, ProcessInstance
from membership.models import AuditEvent

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment, open_task_for

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")


def _instance(session, app):
    return session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == app.id))


def test_unmigrated_instances_finish_on_v1_and_a_migrated_one_on_v2(session):
    staff = actor_for(session, "staff@otaru")
    admin = actor_for(session, "admin001")
    stays = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    moves = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    task = open_task_for(session, staff, moves.id)
    tasks.claim(session, staff, task.id)
    v1 = deploy.latest(session, "layer_review")
    v2, _ = deploy.deploy(session, None, REVIEW.replace('name="事務局の審査"', 'name="一次審査"'), "layer_review.bpmn")

    outcome = migration.migrate_instance(session, admin, _instance(session, moves).id)
    assert outcome.migrated, outcome
    assert _instance(session, moves).definition_ids["layer_review"] == v2.id
    assert _instance(session, stays).definition_ids["layer_review"] == v1.id
    moved_task = open_task_for(session, staff, moves.id)
    assert moved_task.id == task.id and moved_task.name == "一次審査"  # same task, claim kept, new name
    assert moved_task.claimed_by_user_id == staff.user_id
    assert open_task_for(session, staff, stays.id).name == "事務局の審査"

    for app in (stays, moves):
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
        session.refresh(app)
        assert app.status == "approved"
    assert _instance(session, moves).status == "completed"
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "instance.migrate")) == 1


def test_a_migration_refused_for_a_removed_task_leaves_the_instance_untouched(session):
    staff = actor_for(session, "staff@otaru")
    admin = actor_for(session, "admin001")
    app = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    instance = _instance(session, app)
    before = (instance.definition_ids, instance.revision, instance.state)
    # v2 drops the review task (the decision is taken straight after opening): nowhere to wait
    start = REVIEW.index('<bpmn:userTask id="review"')
    end = REVIEW.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    without_review = (REVIEW[:start] + REVIEW[end:]).replace(
        '<bpmn:sequenceFlow id="flow_to_review" sourceRef="open_review" targetRef="review" />', "").replace(
        'sourceRef="review" targetRef="decision_made"', 'sourceRef="open_review" targetRef="decision_made"').replace(
        '<bpmn:outgoing>flow_to_review</bpmn:outgoing>', '<bpmn:outgoing>flow_to_decision</bpmn:outgoing>')
    deploy.deploy(session, None, without_review, "layer_review.bpmn")

    outcome = migration.migrate_instance(session, admin, instance.id)
    assert not outcome.migrated and outcome.reason == "migration.task_removed"
    assert "事務局の審査" in outcome.params["tasks"]
    session.refresh(instance)
    assert (instance.definition_ids, instance.revision, instance.state) == before
    assert open_task_for(session, staff, app.id).name == "事務局の審査"
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "instance.migrate_refused")) == 1
    # and it still finishes on its own version
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    session.refresh(app)
    assert app.status == "approved"


def test_bulk_migration_reports_each_instance(session):
    staff = actor_for(session, "staff@otaru")
    admin = actor_for(session, "admin001")
    apps = [file_enrolment(session, new_member(session), chain=[("otaru", "A-1")]) for _ in range(3)]
    v1 = deploy.latest(session, "layer_review")
    deploy.deploy(session, None, REVIEW.replace('name="事務局の審査"', 'name="理事会前審査"'), "layer_review.bpmn")
    outcomes = migration.migrate_version(session, admin, "layer_review", v1.version)
    assert {o.instance_id for o in outcomes} >= {_instance(session, a).id for a in apps}
    assert all(o.migrated for o in outcomes)
    assert {open_task_for(session, staff, a.id).name for a in apps} == {"理事会前審査"}
    assert session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(
        HumanTask.status == "open", HumanTask.name == "事務局の審査")) == 0
    # a second run finds nothing left on v1
    assert migration.migrate_version(session, admin, "layer_review", v1.version) == []
