"""Before deploying, a designer sees what the draft changes against the deployed version: elements
added, removed and changed by id; moving boxes around is not a change."""

from __future__ import annotations

from pathlib import Path

from engine import changes

ROOT = Path(__file__).resolve().parents[2]


def test_a_renamed_task_a_new_flow_and_a_moved_shape_are_told_apart():
    deployed = (ROOT / "processes" / "enrolment" / "enrolment.bpmn").read_text(encoding="utf-8")
    assert changes.compare(deployed, deployed) == []
    moved = deployed.replace('x="', 'x="1', 1)  # the first shape moves: layout only
    assert moved != deployed and changes.compare(deployed, moved) == []

    first_task = next(c for c in changes.compare(None, deployed) if c.element_type == "serviceTask")
    renamed = deployed.replace(f'name="{first_task.name}"', 'name="名前を変えたタスク"', 1)
    found = changes.compare(deployed, renamed)
    assert [(c.kind, c.element_id, c.name) for c in found] == [("changed", first_task.element_id, "名前を変えたタスク")]

    everything = changes.compare(None, deployed)  # nothing deployed yet: every element is added
    assert everything and {c.kind for c in everything} == {"added"}
    assert {"startEvent", "sequenceFlow"} <= {c.element_type for c in everything}
    removed = changes.compare(renamed, deployed.replace(f'id="{first_task.element_id}"', 'id="task_new"', 1))
    kinds = {(c.kind, c.element_id) for c in removed}
    assert ("removed", first_task.element_id) in kinds and ("added", "task_new") in kinds


def test_a_changed_element_says_what_changed_from_what_to_what():
    """As a code review shows the lines: a property's value, a flow's condition, a table's cell."""
    review = (ROOT / "processes" / "layer_review" / "layer_review.bpmn").read_text(encoding="utf-8")
    edited = review.replace('name="due_in_days" value="14"', 'name="due_in_days" value="10"').replace(
        'decision == "approve"', 'decision == "approved"')
    found = {c.element_id: c.detail for c in changes.compare(review, edited)}
    assert found == {"review": "due_in_days: 14 → 10",
                     "flow_approve": 'conditionExpression: decision == "approve" → decision == "approved"'}
    table = (ROOT / "processes" / "certification" / "certification_requirements.dmn").read_text(encoding="utf-8")
    cell = next(c for c in changes.compare(None, table) if c.element_type == "outputEntry")
    text_at = table.index(f'<outputEntry id="{cell.element_id}">')
    start = table.index("<text>", text_at) + len("<text>")
    end = table.index("</text>", start)
    old = table[start:end].replace("&quot;", '"')
    [changed] = changes.compare(table, table[:start] + "99" + table[end:])
    assert changed.element_id == cell.element_id and changed.detail == f"text: {old} → 99"


def test_a_service_tasks_operation_parameters_and_result_are_changes_of_the_task():
    """They have an "id" that is a name, not an element's: compared as the task's content (two
    tasks' parameters of one name no longer hide each other, and none is a change of its own)."""
    from engine import changes

    xml = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
    edited = xml.replace('value="part[&quot;id&quot;]"', 'value="part[&quot;idd&quot;]"', 1).replace(
        'resultVariable="opened"', 'resultVariable="opened2"')
    [change] = changes.compare(xml, edited)
    assert (change.kind, change.element_id) == ("changed", "open_review")
    assert 'parameter part_id: part["id"] → part["idd"]' in change.detail and "resultVariable: opened → opened2" in \
        change.detail


def test_an_added_element_says_what_it_is_set_to():
    """A new review step is read in the review as what it does — its kind, form and association —
    not as a bare id with nothing beside it."""
    deployed = (ROOT / "processes" / "layer_review" / "layer_review.bpmn").read_text(encoding="utf-8")
    step = ('<bpmn:userTask id="precheck" name="書類の事前確認"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="kind" value="review" />'
            '<spiffworkflow:property name="form_key" value="review_decision" />'
            '<spiffworkflow:property name="candidate_association" value="part[&quot;association&quot;]" />'
            '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>\n')
    added = deployed.replace('<bpmn:userTask id="review"', step + '<bpmn:userTask id="review"', 1)
    [change] = changes.compare(deployed, added)
    assert (change.kind, change.element_id) == ("added", "precheck")
    assert "kind: review" in change.detail and "form_key: review_decision" in change.detail
    assert 'candidate_association: part["association"]' in change.detail
