"""Decision tables (DMN) evaluated on their own, outside a process: e.g. the credit requirements
of a certification. The latest deployed version of the table is used; expressions and cells go
through the restricted evaluator like everything else the engine evaluates."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy.orm import Session

from membership.errors import NotFound

from .deploy import latest
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
        parser = SpiffBpmnParser()
        parser.add_dmn_str(definition.xml.encode(), filename=definition.filename)
        dmn = parser.dmn_parsers[key]
        dmn.parse()
        engine = DMNEngine(dmn.decision.decisionTables[0])
        with _lock:
            _engines[cache_key] = engine

    def run(data: dict) -> dict:
        # DMNEngine reads task.data and task.workflow.script_engine only
        task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=_SCRIPT_ENGINE))
        return dict(engine.result(task))
    return run


REQUIREMENTS = "certification_requirements"


def requirements(session: Session, system: str, mode: str) -> list[dict]:
    """What certification `system` (new or renewal: `mode`) requires, from the decision table
    `certification_requirements`: [{categories, minimum, label}] (empty: no rule for it)."""
    out = evaluate(session, REQUIREMENTS, {"system": system, "mode": mode})
    if not out:
        return []
    return [{"categories": list(c), "minimum": m, "label": label}
            for c, m, label in zip(out["categories"], out["minimum"], out["label"], strict=True)]
