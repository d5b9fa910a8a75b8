"""Decision tables (DMN) are deployed like processes, called by business rule tasks, evaluated
by the restricted evaluator, validated cell by cell, and edited as drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import deploy, designs, runtime, validation
from engine.models import HumanTask

from ..conftest import actor_for

HERE = Path(__file__).parent / "dmn"
DMN = (HERE / "age_band.dmn").read_text(encoding="utf-8")
BPMN = (HERE / "route_by_age.bpmn").read_text(encoding="utf-8")


def _deploy_both(session):
    deploy.deploy(session, None, DMN, "age_band.dmn")
    return deploy.deploy(session, None, BPMN, "route_by_age.bpmn")[0]


@pytest.mark.parametrize("age, task", [(64, "通常の審査"), (65, "高齢会員の審査")])
def test_the_table_routes_at_its_boundary(session, age, task):
    definition = _deploy_both(session)
    assert definition.calls == ["age_band"]
    admin = actor_for(session, "admin001")
    instance = runtime.start_instance(session, admin, "route_by_age", {"age": age, "association": "otaru"})
    assert set(instance.definition_ids) == {"route_by_age", "age_band"}
    open_task = session.query(HumanTask).filter_by(instance_id=instance.id, status="open").one()
    assert open_task.name == task


def test_a_business_rule_task_needs_a_deployed_decision(session):
    with pytest.raises(deploy.InvalidDefinition) as err:
        deploy.deploy(session, None, BPMN, "route_by_age.bpmn")
    assert [(p.element, p.key) for p in err.value.problems] == [("decide_band", "bpmn.unknown_decision")]


@pytest.mark.parametrize("change, element, key", [
    (('hitPolicy="UNIQUE"', 'hitPolicy="FIRST"'), "age_band_table", "bpmn.hit_policy"),
    (("&gt;= 65", "__import__('os')"), "rule_senior_age", "bpmn.dmn_cell"),
    (("&lt; 65", "? .__class__"), "rule_young_age", "bpmn.dmn_cell"),
    (('"senior"', "open('/etc/passwd')"), "rule_senior_band", "bpmn.expression"),
    (("<text>age</text>", "<text>age.real</text>"), "input_age", "bpmn.expression"),
    # FEEL's negation would read as Python's not: a constant False the age is compared with
    (("&gt;= 65", "not(80)"), "rule_senior_age", "bpmn.dmn_feel_not"),
])
def test_unsafe_or_unsupported_tables_are_refused_at_the_cell(change, element, key):
    checked, problems = validation.problems_of(DMN.replace(*change), "age_band.dmn")
    assert checked.kind == "dmn" and checked.key == "age_band"
    assert [(p.element, p.key) for p in problems] == [(element, key)]


def test_cells_in_every_supported_form_are_accepted():
    for cell in ('"A"', "50", ">= 50", "< 5", "1 <= ? < 5", "-", "", 'in ["a", "b"]', "not (? in [1, 2])"):
        problems = []
        validation._cell(cell, "cell", problems)
        assert problems == [], (cell, problems)


def test_a_table_is_edited_as_a_draft_and_deployed(session):
    _deploy_both(session)
    designer = actor_for(session, "designer01")
    draft = designs.save_draft(session, designer, "age_band", DMN.replace("65", "70"), 0)
    assert designs.problems(draft) == []
    definition = designs.deploy_draft(session, designer, "age_band", draft.revision)
    assert definition.filename == "age_band.dmn" and definition.version == 2
    admin = actor_for(session, "admin001")
    instance = runtime.start_instance(session, admin, "route_by_age", {"age": 67, "association": "otaru"})
    assert session.query(HumanTask).filter_by(instance_id=instance.id).one().name == "通常の審査"
