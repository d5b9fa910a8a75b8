"""The script engine handed to SpiffWorkflow: restricted expressions, no scripts, registry services."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from sqlalchemy.orm import Session

from membership.actors import Actor

from . import safe_eval


class ScriptsNotAllowed(RuntimeError):
    """A script reached the engine; deployment rejects them, so this means a bypassed check."""


@dataclass
class RunContext:
    """What a service operation may touch while the engine runs: one session, one actor."""

    session: Session
    actor: Actor


class ServiceFailed(Exception):
    """A service operation raised: wraps the original so the runtime can re-raise it unchanged."""

    def __init__(self, operation: str, original: BaseException):
        super().__init__(f"{operation}: {original!r}")
        self.operation = operation
        self.original = original


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, services: Mapping[str, Callable[..., Any]], context: RunContext | None):
        super().__init__({})
        self.services = services
        self.context = context

    def evaluate(self, expression, context, external_context=None):
        scope = dict(external_context or {})
        scope.update(context)
        return safe_eval.evaluate(expression, scope)

    def execute(self, script, context, external_context=None):
        raise ScriptsNotAllowed("BPMN scripts are not executed by this system")

    def call_service(self, context, operation_name=None, operation_params=None, **_):
        if self.context is None:
            raise RuntimeError("no run context: service tasks need a database session")
        func = self.services.get(operation_name)
        if func is None:
            raise KeyError(f"unknown service operation {operation_name!r}")
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        try:
            result = func(self.context.session, self.context.actor, **params)
        except Exception as exc:  # re-raised by the runtime with its own type
            raise ServiceFailed(operation_name, exc) from exc
        return json.dumps(result)


class RestrictedScriptEngine(PythonScriptEngine):
    def __init__(self, services: Mapping[str, Callable[..., Any]] | None = None, context: RunContext | None = None):
        super().__init__(environment=RestrictedEnvironment(services or {}, context))

    def validate(self, expression):
        # SpiffWorkflow's DMN engine tells "a value" from "an operator and a value" (">= 50") by
        # whether validate raises SyntaxError
        try:
            safe_eval.parse(expression)
        except safe_eval.UnsafeExpression as exc:
            if exc.reason == "syntax":
                raise SyntaxError(str(exc)) from None
            raise

    def call_service(self, task, **kwargs):
        # The base class masks errors here (NameError: 'script'); keep the real one.
        try:
            return self.environment.call_service(task.data, **kwargs)
        except ServiceFailed:
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"service {kwargs.get('operation_name')}: {exc}", task=task,
                                        exception=exc) from exc
