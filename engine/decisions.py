"""Decision tables (DMN) evaluated on their own, outside a process: e.g. the credit requirements
of a certification. The latest deployed version of the table is used; expressions and cells go
through the restricted evaluator like everything else the engine evaluates."""

from __future__ import annotations

import copy
import threading
from types import SimpleNamespace

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.specs.model import HitPolicy
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy.orm import Session

from membership.errors import NotFound

from .deploy import latest
from .runtime import ProcessFailed
from .script_engine import RestrictedScriptEngine

_engines: dict[tuple[int, str], DMNEngine] = {}
_lock = threading.Lock()
_SCRIPT_ENGINE = RestrictedScriptEngine()


def evaluate(session: Session, key: str, data: dict) -> dict:
    """The outputs of decision `key` for `data`: {output: value} (UNIQUE) or {output: [values]}
    (COLLECT; {} when no rule matched). Raises NotFound when no such table is deployed."""
    return evaluator(session, key)(data)


def evaluator(session: Session, key: str):
    """`evaluate` for many inputs: the latest table is looked up once. Raises NotFound."""
    definition = latest(session, key)
    if definition is None or not definition.filename.endswith(".dmn"):
        raise NotFound()
    cache_key = (definition.id, definition.content_hash)
    engine = _engines.get(cache_key)
    if engine is None:
        engine = _table(definition.xml, key)
        with _lock:
            _engines[cache_key] = engine
    return _runner(engine, key)


def evaluator_of(xml: str, key: str):
    """`evaluate` for a table not deployed (a designer's draft). Raises what the parser raises."""
    return _runner(_table(xml, key), key)


def overlaps_of(xml: str, key: str):
    """For a UNIQUE table (one rule may match), `rows(data) -> [row numbers]` of every rule that
    matches (the engine stops at the first: two matching rules are the designer's mistake, the
    first silently winning); None for another hit policy. Raises what the parser raises."""
    engine = _table(xml, key)
    table = engine.decision_table
    if table.hit_policy != HitPolicy.UNIQUE.value:
        return None
    every = copy.copy(table)
    every.hit_policy = HitPolicy.COLLECT.value
    collecting = DMNEngine(every)
    workflow = SimpleNamespace(script_engine=_SCRIPT_ENGINE, spec=SimpleNamespace(file=f"{key}.dmn"))
    workflow.top_workflow = workflow
    spec = SimpleNamespace(name=key, bpmn_id=key, bpmn_name=key)

    def rows(data: dict) -> list[int]:
        matched = collecting.decide(SimpleNamespace(data=dict(data), workflow=workflow, task_spec=spec))
        return [rule.row_number for rule in matched]
    return rows


def _table(xml: str, key: str) -> DMNEngine:
    parser = SpiffBpmnParser()
    parser.add_dmn_str(xml.encode(), filename=f"{key}.dmn")
    dmn = parser.dmn_parsers[key]
    dmn.parse()
    return DMNEngine(dmn.decision.decisionTables[0])


def _runner(engine: DMNEngine, key: str):
    # DMNEngine reads task.data and task.workflow.script_engine; when a cell fails, the error it
    # raises also names the task's spec and the workflow's file (else an AttributeError hides it)
    workflow = SimpleNamespace(script_engine=_SCRIPT_ENGINE, spec=SimpleNamespace(file=f"{key}.dmn"))
    workflow.top_workflow = workflow
    spec = SimpleNamespace(name=key, bpmn_id=key, bpmn_name=key)

    def run(data: dict) -> dict:
        try:
            return dict(engine.result(SimpleNamespace(data=dict(data), workflow=workflow, task_spec=spec)))
        except Exception as exc:  # a cell that cannot be evaluated: the table is at fault, not the input
            raise ProcessFailed(f"{key}: {type(exc).__name__}: {exc}"[:500]) from exc
    return run


REQUIREMENTS = "certification_requirements"
#: the table fee reductions' 高齢 and 卒後5年以内 are judged by (engine.flows.candidate_reasons)
FEE_REDUCTION_CANDIDATES = "fee_reduction_candidates"


def requirements(session: Session, system: str, mode: str) -> list[dict]:
    """What certification `system` (new or renewal: `mode`) requires, from the decision table
    `certification_requirements`: [{categories, minimum, label}] (empty: no rule for it)."""
    return requirements_by(evaluator(session, REQUIREMENTS))(system, mode)


def requirements_by(table):
    """`requirements(system, mode)` read from the table `table` (an evaluator)."""
    def requirements_of(system: str, mode: str) -> list[dict]:
        out = table({"system": system, "mode": mode})
        if not out:
            return []
        return [{"categories": list(c), "minimum": m, "label": label}
                for c, m, label in zip(out["categories"], out["minimum"], out["label"], strict=True)]
    return requirements_of
