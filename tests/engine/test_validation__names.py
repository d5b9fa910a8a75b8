"""The names a process's expressions read against those something sets (validation.unknown_names):
what a filing starts with, a decision, service tasks' results, decision tables' outputs."""

from __future__ import annotations

from engine import validation

from ..conftest import ROOT

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
  <decision id="fee" name="fee"><decisionTable id="t" hitPolicy="UNIQUE">
    <input id="i" label="age"><inputExpression id="ie" typeRef="number"><text>age</text></inputExpression></input>
    <output id="o1" name="fee.amount" typeRef="number" /><output id="o2" label="band" typeRef="string" />
    <rule id="r"><inputEntry id="e"><text>-</text></inputEntry><outputEntry id="x1"><text>1</text></outputEntry>
      <outputEntry id="x2"><text>"a"</text></outputEntry></rule>
  </decisionTable></decision>
</definitions>"""


def test_a_misspelt_name_or_a_duration_without_quotes_is_named_with_its_element():
    known = validation.names_set(REVIEW) | {"part"}
    assert validation.unknown_names(REVIEW, known) == []
    typo = REVIEW.replace('decision == "reject"', 'desicion == "reject"')
    [problem] = validation.unknown_names(typo, known)
    assert (problem.element, problem.key, problem.params["variable"]) == ("flow_reject", "bpmn.unknown_name",
                                                                         "desicion")


def test_decision_tables_set_their_outputs_by_name_or_label_and_a_dotted_name_by_its_first_part():
    assert validation.names_set(DMN) == {"fee", "band"}
    reads = REVIEW.replace('decision == "reject"', 'fee["amount"] > 0 and band == "a"')
    assert validation.unknown_names(reads, {"part"} | validation.names_set(DMN)) == []


def test_the_parsers_commonest_refusals_are_said_in_the_designers_words_naming_the_element():
    """A task with two outgoing flows (bpmn-js reconnects them when a task between is deleted)."""
    import re

    doubled = REVIEW.replace('<bpmn:sequenceFlow id="flow_to_decision" sourceRef="review" targetRef="decision_made" />',
                             '<bpmn:sequenceFlow id="flow_to_decision" sourceRef="review" targetRef="decision_made" />'
                             '<bpmn:sequenceFlow id="flow_extra" sourceRef="review" targetRef="decision_made" />')
    doubled = re.sub(r'(<bpmn:userTask id="review".*?<bpmn:outgoing>flow_to_decision</bpmn:outgoing>)',
                     r'\1<bpmn:outgoing>flow_extra</bpmn:outgoing>', doubled, flags=re.S)
    _checked, found = validation.problems_of(doubled, "layer_review.bpmn")
    [problem] = [p for p in found if p.key == "bpmn.task_many_outgoing"]
    assert problem.element == "review" and problem.name == "事務局の審査"
    assert "ゲートウェイ" in problem.render("ja") and "gateway" in problem.render("en")


def test_a_business_rule_task_reads_what_its_decision_tables_inputs_name():
    fees = (ROOT / "processes/fee_reduction/fee_reduction_candidates.dmn").read_text(encoding="utf-8")
    assert validation.decision_reads(fees) == {"age", "years_since_graduation"}
    calling = REVIEW.replace("<bpmn:extensionElements>", "<bpmn:extensionElements><spiffworkflow:calledDecisionId>"
                             "fee_reduction_candidates</spiffworkflow:calledDecisionId>", 1)
    found = validation.unknown_names(calling, {"part"}, lambda key: validation.decision_reads(fees))
    assert {p.params["variable"] for p in found} == {"age", "years_since_graduation"}


def test_a_business_rule_task_without_its_table_or_with_an_unknown_one_says_so():
    def with_decision(key):
        return REVIEW.replace("<bpmn:extensionElements>", "<bpmn:extensionElements><spiffworkflow:calledDecisionId>"
                              f"{key}</spiffworkflow:calledDecisionId>", 1)

    _checked, found = validation.problems_of(with_decision(""), "layer_review.bpmn", known_calls=lambda k: False)
    assert "bpmn.no_decision_chosen" in {p.key for p in found}
    _checked, found = validation.problems_of(with_decision("no_such_table"), "layer_review.bpmn",
                                             known_calls=lambda k: False)
    [problem] = [p for p in found if p.key == "bpmn.unknown_decision"]
    assert "no_such_table" in problem.render("ja") and "判定表" in problem.render("ja")
