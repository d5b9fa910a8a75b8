"""Starting and advancing process instances, and keeping the human-task table in step.

Concurrency: every change to an instance first takes the instance's row lock (`lock_instance`),
then re-reads what it is about to change. On PostgreSQL the lock is `SELECT … FOR UPDATE`; on
SQLite every transaction begins with `BEGIN IMMEDIATE` (membership.db), which holds SQLite's one
write lock, and the revision UPDATE keeps the guard even on a connection made otherwise. Either
way the second of two concurrent completions waits, then finds the task no longer open (409).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from membership import audit, safe_text
from membership.actors import Actor
from membership.db import is_postgresql, utcnow
from membership.errors import Conflict, NotFound
from membership.models import Association

from . import safe_eval
from .deploy import latest, load_specs, resolve_calls
from .models import HumanTask, ProcessInstance
from .script_engine import RestrictedScriptEngine, RunContext, ServiceFailed
from .services import SERVICES


class ProcessFailed(RuntimeError):
    """The process itself is broken (a bad expression, an unknown association in its data)."""


_local = threading.local()


def serializer() -> BpmnWorkflowSerializer:
    """One serializer per thread: a serializer toggles a mode on its shared registry."""
    ser = getattr(_local, "serializer", None)
    if ser is None:
        ser = _local.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    return ser


def dump(workflow: BpmnWorkflow) -> dict:
    """The workflow as JSON data that survives JSONB.

    SpiffWorkflow restores tasks in the order of its `tasks` mappings, and JSONB does not keep key
    order, so those mappings are stored as lists (in order) and rebuilt by `restore`.
    """
    state = json.loads(serializer().serialize_json(workflow))
    for holder in (state, *state.get("subprocesses", {}).values()):
        holder["tasks"] = list(holder["tasks"].values())
    return state


def restore(state: dict, session: Session, actor: Actor) -> BpmnWorkflow:
    state = dict(state)
    subprocesses = {k: dict(v) for k, v in state.get("subprocesses", {}).items()}
    for holder in (state, *subprocesses.values()):
        holder["tasks"] = {t["id"]: t for t in holder["tasks"]}
    state["subprocesses"] = subprocesses
    workflow = serializer().deserialize_json(json.dumps(state))
    workflow.script_engine = RestrictedScriptEngine(SERVICES, RunContext(session, actor))
    return workflow


def advance(workflow: BpmnWorkflow) -> None:
    """Run the engine until only human tasks or waits are left.

    A failing service operation's own exception (a domain error) is re-raised unchanged, so the
    caller's transaction rolls back whole and the caller sees e.g. a ValidationFailed.
    """
    try:
        workflow.do_engine_steps()
    except ServiceFailed as exc:
        raise exc.original from exc
    except Exception as exc:
        cause = exc
        while cause is not None:
            if isinstance(cause, ServiceFailed):
                raise cause.original from exc
            cause = cause.__cause__ or getattr(cause, "exception", None)
        raise ProcessFailed(str(exc)) from exc


def start_instance(session: Session, actor: Actor, key: str, data: dict,
                   application_id: int | None = None) -> ProcessInstance:
    """Start the latest version of process `key` with `data`; raises NotFound if not deployed."""
    definition = latest(session, key)
    if definition is None:
        raise NotFound()
    ids = resolve_calls(session, definition)
    spec, subprocess_specs = load_specs(session, key, ids)
    workflow = BpmnWorkflow(spec, subprocess_specs,
                            script_engine=RestrictedScriptEngine(SERVICES, RunContext(session, actor)))
    # Initial data goes on the READY start task (workflow.set_data is invisible to expressions).
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    advance(workflow)
    instance = ProcessInstance(definition_id=definition.id, definition_ids=ids, application_id=application_id,
                               status="running", state={})
    _store(instance, workflow)
    session.add(instance)
    session.flush()
    materialise(session, instance, workflow)
    audit.record(session, actor, "instance.start", "process_instance", instance.id, key=key,
                 version=definition.version, application_id=application_id)
    return instance


def _store(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    instance.state = dump(workflow)
    instance.updated_at = utcnow()
    instance.revision = (instance.revision or 0) + 1
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = instance.updated_at


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Take the instance's row lock for the rest of the transaction and return the fresh row."""
    if is_postgresql(session):
        instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.id == instance_id)
                                  .with_for_update().execution_options(populate_existing=True))
    else:
        session.execute(sa.update(ProcessInstance).where(ProcessInstance.id == instance_id)
                        .values(revision=ProcessInstance.revision + 1))
        instance = session.get(ProcessInstance, instance_id, populate_existing=True)
    if instance is None:
        raise NotFound()
    return instance


def run_human_task(session: Session, actor: Actor, instance: ProcessInstance, task: HumanTask,
                   data: dict) -> BpmnWorkflow:
    """Complete the READY user task behind `task` with `data` and advance; the instance is locked.

    Raises Conflict if the engine no longer has that task ready.
    """
    workflow = restore(instance.state, session, actor)
    try:
        spiff_task = workflow.get_task_from_id(uuid.UUID(task.spiff_task_id))
    except Exception:
        spiff_task = None
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict("task_not_open")
    spiff_task.set_data(**data)
    spiff_task.run()
    advance(workflow)
    _store(instance, workflow)
    materialise(session, instance, workflow)
    return workflow


def cancel_instance(session: Session, actor: Actor, instance: ProcessInstance) -> None:
    """Stop a running instance; its open human tasks are cancelled. The instance must be locked."""
    if instance.status != "running":
        return
    workflow = restore(instance.state, session, actor)
    workflow.cancel()
    instance.status = "cancelled"
    _store(instance, workflow)
    instance.completed_at = instance.updated_at
    session.execute(sa.update(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
                    .values(status="cancelled", completed_at=utcnow()))
    audit.record(session, actor, "instance.cancel", "process_instance", instance.id)


def materialise(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Make the open rows of `human_tasks` equal the engine's READY user tasks."""
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = {r.spiff_task_id: r for r in session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open"))}
    for spiff_id, row in open_rows.items():
        if spiff_id not in ready:
            row.status = "cancelled"
            row.completed_at = utcnow()
    associations: dict[str, Association] = {}
    for spiff_id, t in ready.items():
        if spiff_id in open_rows:
            continue
        props = t.task_spec.extensions.get("properties", {}) if hasattr(t.task_spec, "extensions") else {}
        association = None
        if props.get("candidate_association"):
            code = _property(t, props["candidate_association"])
            association = associations.get(code) or session.scalar(
                sa.select(Association).where(Association.code == code))
            if association is None:
                raise ProcessFailed(f"task {t.task_spec.bpmn_id}: no association {code!r}")
            associations[code] = association
        assignee = _property(t, props["candidate_user"]) if props.get("candidate_user") else None
        now = utcnow()
        due = None
        if str(props.get("due_in_days", "")).isdigit():
            due = now + dt.timedelta(days=int(props["due_in_days"]))
        session.add(HumanTask(
            instance_id=instance.id, application_id=instance.application_id, spiff_task_id=spiff_id,
            bpmn_id=t.task_spec.bpmn_id, process_key=t.workflow.spec.name,
            name=safe_text.clip(t.task_spec.bpmn_name or t.task_spec.bpmn_id, 200),
            kind=props.get("kind", "review"), form_key=props.get("form_key", ""),
            association_id=association.id if association else None,
            layer=association.layer if association else None,
            assignee_user_id=int(assignee) if assignee is not None else None,
            status="open", created_at=now, due_at=due))
    session.flush()


def _property(task, expression: str):
    try:
        return safe_eval.evaluate(expression, task.data)
    except Exception as exc:
        raise ProcessFailed(f"task {task.task_spec.bpmn_id}: {expression!r}: {exc}") from exc
