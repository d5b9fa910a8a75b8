"""Starting and advancing process instances, and keeping the human-task table in step.

Concurrency: every change to an instance first takes the instance's row lock (`lock_instance`,
or `lock_task_instance` by one of its human tasks) and reads the instance's state fresh with it.
On PostgreSQL the lock is `SELECT … FOR UPDATE`; on SQLite every transaction begins with
`BEGIN IMMEDIATE` (membership.db), which holds SQLite's one write lock. Either way the second of
two concurrent completions waits, then its guarded UPDATE of the task (`close_task`) finds it no
longer open (409) — a guard that holds even without the instance lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import uuid

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from membership import applications, associations, audit, calendar, safe_text
from membership.actors import Actor
from membership.db import is_postgresql, utcnow
from membership.errors import Conflict, DomainError, NotFound
from membership.fields import parse_int
from membership.models import Association, UserAccount

from . import escalation, safe_eval
from .deploy import latest_with_calls, load_specs
from .models import HumanTask, ProcessInstance, TaskEvent
from .script_engine import RestrictedScriptEngine, RunContext, ServiceFailed
from .services import SERVICES


class ProcessFailed(DomainError):
    """The process itself is broken (a gateway none of whose conditions holds, a bad expression, an
    unknown association in its data): the step rolls back whole, and the user is told that the
    process, not their input, is at fault. `detail` is the engine's reason, `instance_id` the
    instance (set where it is known), for the incident the caller records."""

    code = "process_failed"
    message_key = "process_failed"

    def __init__(self, detail: str, instance_id: int | None = None, element: str = "", element_name: str = "",
                 process: str = ""):
        super().__init__()
        self.detail = detail
        self.instance_id = instance_id
        #: the BPMN element that failed (its id and name) and the process holding it (a called one,
        #: perhaps), where the engine says
        self.element, self.element_name, self.process = element, element_name, process
        #: the version a start failed on (no instance was kept)
        self.definition_id: int | None = None

    def __str__(self) -> str:
        return self.detail


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    """Stores a workflow without its specs; they are restored from the parsed-spec cache.

    An instance's specs are those of the definition versions it started with (immutable rows),
    so storing them again with every step would only cost time and space.
    """

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, specs=None):
        spec, subprocess_specs = specs
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], uuid.UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(uuid.UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_local = threading.local()


def serializer() -> BpmnWorkflowSerializer:
    """One serializer per thread: a serializer toggles a mode on its shared registry."""
    ser = getattr(_local, "serializer", None)
    if ser is None:
        config = {**SPIFF_CONFIG, BpmnWorkflow: _SpecFreeWorkflowConverter}
        ser = _local.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    return ser


def dump(workflow: BpmnWorkflow) -> dict:
    """The workflow as JSON data that survives JSONB (specs excluded, see the converter above).

    SpiffWorkflow restores tasks in the order of its `tasks` mappings, and JSONB does not keep key
    order, so those mappings are stored as lists (in order) and rebuilt by `restore`.
    """
    _drop_finished_subprocesses(workflow)
    ser = serializer()
    state = ser.to_dict(workflow)  # our task data is JSON already; no encoder round trip needed
    state[ser.VERSION_KEY] = ser.VERSION
    for holder in (state, *state.get("subprocesses", {}).values()):
        holder["tasks"] = list(holder["tasks"].values())
    return state


def _drop_finished_subprocesses(workflow: BpmnWorkflow) -> None:
    """Forget call activities' workflows once they and their calling task are done.

    Their outcome is in the calling task's data and in our own tables (human tasks, audit), and
    nothing runs in them again (we never reset an instance to an earlier task), so keeping them
    would only make every later step restore and store a larger state (decision 0009).
    """
    for task_id, sub in list(workflow.subprocesses.items()):
        if task_id not in workflow.subprocesses or not sub.completed:
            continue  # already dropped with its parent, or still running
        try:
            caller = workflow.get_task_from_id(task_id)
        except TaskNotFoundException:  # its own caller's workflow was dropped already
            continue
        if caller.has_state(TaskState.FINISHED_MASK):
            workflow.delete_subprocess(caller)


def restore(session: Session, actor: Actor, instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow, on the definition versions it started with."""
    ids = instance.definition_ids
    top_key = next(k for k, v in ids.items() if v == instance.definition_id)
    specs = load_specs(session, top_key, ids)
    state = dict(instance.state)
    subprocesses = {k: dict(v) for k, v in state.get("subprocesses", {}).items()}
    for holder in (state, *subprocesses.values()):
        holder["tasks"] = {t["id"]: t for t in holder["tasks"]}
    state["subprocesses"] = subprocesses
    ser = serializer()
    ser.migrate(state)
    workflow = ser.from_dict(state, specs=specs)
    workflow.script_engine = RestrictedScriptEngine(SERVICES, RunContext(session, actor))
    return workflow


def advance(workflow: BpmnWorkflow, instance_id: int | None = None) -> None:
    """Run the engine until only human tasks or waits are left.

    A failing service operation's own exception (a domain error) is re-raised unchanged, so the
    caller's transaction rolls back whole and the caller sees e.g. a ValidationFailed. Any other
    failure is the process's own: ProcessFailed.
    """
    try:
        workflow.do_engine_steps()
    except ProcessFailed as exc:
        exc.instance_id = exc.instance_id or instance_id
        raise
    except ServiceFailed as exc:
        raise exc.original from exc
    except Exception as exc:
        cause, spec = exc, None
        while cause is not None:
            if isinstance(cause, ServiceFailed):
                raise cause.original from exc
            spec = spec or getattr(cause, "task_spec", None)
            cause = cause.__cause__ or getattr(cause, "exception", None)
        raise ProcessFailed(str(exc), instance_id, getattr(spec, "bpmn_id", None) or "",
                            getattr(spec, "bpmn_name", None) or "",
                            getattr(getattr(spec, "_wf_spec", None), "name", None) or "") from exc


def start_instance(session: Session, actor: Actor, key: str, data: dict,
                   application_id: int | None = None) -> ProcessInstance:
    """Start the latest version of process `key` with `data`; raises NotFound if not deployed."""
    with session.no_autoflush:  # the step flushes once, at its end
        found = latest_with_calls(session, key)
        if found is None:
            raise NotFound()
        definition, ids = found
        spec, subprocess_specs = load_specs(session, key, ids)
    workflow = BpmnWorkflow(spec, subprocess_specs,
                            script_engine=RestrictedScriptEngine(SERVICES, RunContext(session, actor)))
    # Initial data goes on the READY start task (workflow.set_data is invisible to expressions).
    workflow.get_tasks(state=TaskState.READY)[0].set_data(**data)
    instance = ProcessInstance(definition_id=definition.id, definition_ids=ids, application_id=application_id,
                               status="running", state={})
    try:
        advance(workflow)
        _store(instance, workflow)
        session.add(instance)
        materialise(session, instance, workflow, open_rows=[])
    except ProcessFailed as exc:
        # no instance is kept: the incident is the version's — of the process holding the element
        exc.definition_id = ids.get(exc.process) or definition.id
        raise
    # the instance gets its id at the step's one flush, where the audit row is written too
    audit.record(session, actor, "instance.start", "process_instance", instance, key=key,
                 version=definition.version, application_id=application_id)
    session.flush()
    return instance


def _store(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    instance.state = dump(workflow)
    instance.timer_due_at = next_timer(workflow)
    instance.updated_at = utcnow()
    instance.revision = (instance.revision or 0) + 1
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = instance.updated_at


TIMER_EVENTS = ("TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition")


def next_timer(workflow: BpmnWorkflow) -> dt.datetime | None:
    """When the earliest timer the workflow waits for is due (naive UTC), or None."""
    due = []
    for event in workflow.waiting_events():
        if event.event_type not in TIMER_EVENTS or not event.value:
            continue
        value = event.value["next"] if isinstance(event.value, dict) else event.value
        try:
            at = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        if at.tzinfo is not None:
            at = at.astimezone(dt.UTC).replace(tzinfo=None)
        due.append(at)
    return min(due) if due else None


def due_timer_instances(session: Session, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of running instances with a timer due by `now` (the beat job's work list)."""
    return list(session.scalars(sa.select(ProcessInstance.id).where(
        ProcessInstance.status == "running", ProcessInstance.timer_due_at <= (now or utcnow()))
        .order_by(ProcessInstance.timer_due_at).limit(limit)))


def fire_timers(session: Session, actor: Actor, instance_id: int) -> bool:
    """Fire the due timers of one instance and run what follows, under the instance lock (a
    completion of the task the timer is attached to waits, or is waited for). Returns whether the
    workflow moved. Safe to call twice: a timer fires once."""
    instance = lock_instance(session, instance_id)
    if instance.status != "running" or instance.timer_due_at is None:
        return False
    workflow = restore(session, actor, instance)
    before = instance.timer_due_at
    open_ids = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}  # as run_human_task
    workflow.refresh_timers()
    advance(workflow, instance.id)
    _store(instance, workflow)
    materialise(session, instance, workflow, open_ids=open_ids)
    moved = instance.timer_due_at != before
    if moved:
        audit.record(session, actor, "instance.timer", "process_instance", instance.id, due_at=before.isoformat())
    session.flush()  # one flush for the whole step, as complete_task: the caller then reads what it wrote
    return moved


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """Take the instance's row lock for the rest of the transaction and return the fresh row
    (by a human task: `lock_task_instance`). Raises NotFound."""
    stmt = sa.select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if is_postgresql(session):
        stmt = stmt.with_for_update(of=ProcessInstance)
    # On SQLite the transaction began with BEGIN IMMEDIATE: it already excludes every other writer.
    instance = session.scalar(stmt.execution_options(populate_existing=True))
    if instance is None:
        raise NotFound()
    return instance


def lock_task_statement(scope=None, postgresql: bool = False):
    """The statement of `lock_task_instance`, with the task id as bind parameter `task_id`.
    `scope`: an extra condition on HumanTask (its bind parameters are the caller's)."""
    stmt = (sa.select(ProcessInstance, HumanTask).join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
            .where(HumanTask.id == sa.bindparam("task_id")))
    if scope is not None:
        stmt = stmt.where(scope)
    if postgresql:
        stmt = stmt.with_for_update(of=ProcessInstance)
    return stmt.execution_options(populate_existing=True)


def lock_task_instance(session: Session, task_id: int, scope=None, *, statement=None,
                       params: dict | None = None) -> tuple[ProcessInstance, HumanTask]:
    """The instance of human task `task_id` with its row lock taken, and the task row, in one query.

    The task row may predate what a completion this one waited for did to it (under READ
    COMMITTED, the re-check after a lock wait reads only the locked row afresh). That is enough:
    the instance row and its state are fresh, and the task is closed with a guarded UPDATE
    (`close_task`). `scope`: an extra condition on HumanTask; or a `statement` built once by
    `lock_task_statement` and its `params`. Raises NotFound.
    """
    if statement is None:
        statement = lock_task_statement(scope, is_postgresql(session))
    found = session.execute(statement, {**(params or {}), "task_id": task_id}).first()
    if found is None:
        raise NotFound()
    return found[0], found[1]


@functools.lru_cache(maxsize=8)
def _close_statement(names: tuple[str, ...]):
    return sa.update(HumanTask).where(
        HumanTask.id == sa.bindparam("task_id"), HumanTask.status == "open",
        sa.or_(HumanTask.claimed_by_user_id.is_(None), HumanTask.claimed_by_user_id == sa.bindparam("actor_id"))
    ).values({name: sa.bindparam(f"new_{name}") for name in names})


def not_open(task: HumanTask) -> str:
    """Why a task cannot be worked any more: a review, that someone else may have decided it; an
    amendment, that the application can no longer be amended (its applicant cancelled it in
    another tab, say — there is no other person to blame)."""
    return "amend_not_open" if task.kind == "amend" else "task_not_open"


def close_task(session: Session, task: HumanTask, actor: Actor, **values) -> None:
    """Mark an open human task done with `values` (status, decision, …), only if it is still open
    and not claimed by someone else: of two people acting on it at once, the second gets Conflict
    (the row's own lock orders them, whatever they read before). Sent at once, not at the flush."""
    done = session.connection().execute(_close_statement(tuple(sorted(values))), {
        "task_id": task.id, "actor_id": actor.user_id, **{f"new_{k}": v for k, v in values.items()}})
    if done.rowcount != 1:
        status = session.scalar(sa.select(HumanTask.status).where(HumanTask.id == task.id))
        raise Conflict("task_claimed" if status == "open" else not_open(task))
    for name, value in values.items():  # the object says what the row says, with nothing left to flush
        set_committed_value(task, name, value)


def run_human_task(session: Session, actor: Actor, instance: ProcessInstance, task: HumanTask,
                   data: dict) -> BpmnWorkflow:
    """Complete the READY user task behind `task` (already closed with `close_task`) with `data` and
    advance; the instance is locked. Raises Conflict if the engine no longer has that task ready.
    """
    workflow = restore(session, actor, instance)
    try:
        spiff_task = workflow.get_task_from_id(uuid.UUID(task.spiff_task_id))
    except Exception:
        spiff_task = None
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict(not_open(task))
    # The open rows are the READY user tasks of the state before the step (materialise keeps
    # them equal), so they need not be read: the state, fresh under the lock, names them.
    before = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    before.discard(task.spiff_task_id)
    spiff_task.set_data(**data)
    spiff_task.run()
    try:
        advance(workflow, instance.id)
        _store(instance, workflow)
        materialise(session, instance, workflow, open_ids=before)
    except ProcessFailed as exc:
        exc.instance_id = exc.instance_id or instance.id
        raise
    return workflow


def cancel_instance(session: Session, actor: Actor, instance: ProcessInstance) -> None:
    """Stop a running instance; its open human tasks are cancelled. The instance must be locked."""
    if instance.status != "running":
        return
    workflow = restore(session, actor, instance)
    workflow.cancel()
    instance.status = "cancelled"
    _store(instance, workflow)
    instance.completed_at = instance.updated_at
    session.execute(sa.update(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
                    .values(status="cancelled", completed_at=utcnow()))
    audit.record(session, actor, "instance.cancel", "process_instance", instance.id)


def materialise(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
                open_rows: list[HumanTask] | None = None, open_ids: set[str] | None = None) -> None:
    """Make the open rows of `human_tasks` equal the engine's READY user tasks.

    The instance's open rows as the caller already knows them: `open_rows` (none for a new
    instance), or only their Spiff task ids, `open_ids` (rows not loaded: those that vanished are
    cancelled with one UPDATE); when neither is given they are read.
    """
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    if open_ids is not None:
        by_spiff_id = dict.fromkeys(open_ids)
        vanished = [spiff_id for spiff_id in open_ids if spiff_id not in ready]
        if vanished:
            session.connection().execute(sa.update(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.spiff_task_id.in_(vanished),
                HumanTask.status == "open").values(status="cancelled", completed_at=utcnow()))
    else:
        if open_rows is None:
            open_rows = list(session.scalars(sa.select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.status == "open")))
        by_spiff_id = {r.spiff_task_id: r for r in open_rows if r.status == "open"}
        for spiff_id, row in by_spiff_id.items():
            if spiff_id not in ready:
                row.status = "cancelled"
                row.completed_at = utcnow()
    summary = None
    for spiff_id, t in ready.items():
        if spiff_id in by_spiff_id:
            continue
        if summary is None:
            summary = applications.summary(session, instance.application_id) if instance.application_id else {}
        props = t.task_spec.extensions.get("properties", {}) if hasattr(t.task_spec, "extensions") else {}
        association_id = layer = None
        if props.get("candidate_association"):
            association_id, layer = _association(session, _property(t, props["candidate_association"]), t)
        assignee = _property(t, props["candidate_user"]) if props.get("candidate_user") else None
        if association_id is None and assignee is not None and props.get("kind") == "amend":
            # what an office filed itself (a session) and got back is its office's to amend, not
            # only the staff member's who filed it (who may be away, or gone)
            association_id, layer = _office_of(session, int(assignee))
        now = utcnow()
        due = None
        days = parse_int(str(props.get("due_in_days", "")), 1, 365)
        if days is not None:
            # business days of the association's office (weekends, holidays, closed days excluded)
            due = calendar.due_at(session, association_id, days)
        review = props.get("kind", "review") == "review"
        resubmitted, returner = _after_return(session, instance.application_id, association_id) \
            if review and instance.application_id else (False, None)
        row = HumanTask(
            instance=instance, application_id=instance.application_id, spiff_task_id=spiff_id,
            bpmn_id=t.task_spec.bpmn_id, process_key=t.workflow.spec.name,
            name=safe_text.clip(t.task_spec.bpmn_name or t.task_spec.bpmn_id, 200),
            kind=props.get("kind", "review"), form_key=props.get("form_key", ""),
            association_id=association_id, layer=layer,
            assignee_user_id=int(assignee) if assignee is not None else None,
            status="open", created_at=now, due_at=due, resubmitted=resubmitted, claimed_by_user_id=returner,
            **summary, **(escalation.take_pending(session, instance.application_id, association_id) if review else {}))
        session.add(row)
        if returner is not None:  # its history says why it is claimed (rare: a flush for the id)
            session.flush()
            session.add(TaskEvent(task_id=row.id, kind="claim", actor_user_id=returner, at=now,
                                  reason="再提出：差し戻した担当者に戻しました"))


def _office_of(session: Session, user_id: int) -> tuple[int | None, int | None]:
    """The association (and its layer) of a secretariat account; (None, None) for anyone else."""
    with session.no_autoflush:
        row = session.execute(sa.select(UserAccount.association_id, Association.layer)
                              .join(Association, Association.id == UserAccount.association_id)
                              .where(UserAccount.id == user_id, UserAccount.role == "secretariat")).first()
    return (row.association_id, row.layer) if row else (None, None)


def _after_return(session: Session, application_id: int, association_id: int | None) -> tuple[bool, int | None]:
    """For a new review of an application: whether its applicant filed it again after a return
    (an amendment was completed), and who at this association returned it last time — the review
    goes back to them (Camunda and Flowable keep the assignee), if they still work there."""
    # read without flushing: the step's writes leave in one flush (its amendment, completed in this
    # step, is still pending in the session and counted from there)
    with session.no_autoflush:
        rows = session.execute(
            sa.select(HumanTask.kind, HumanTask.association_id, HumanTask.decision, HumanTask.completed_by_user_id)
            .where(HumanTask.application_id == application_id, HumanTask.status == "completed")
            .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())).all()
    amended_now = any(isinstance(o, HumanTask) and o.application_id == application_id and o.kind == "amend"
                      and o.status == "completed" for o in session.dirty)
    if not amended_now and not any(r.kind == "amend" for r in rows):
        return False, None
    last_here = next((r for r in rows if r.kind == "review" and r.association_id == association_id), None)
    if last_here is None or last_here.decision != "return" or last_here.completed_by_user_id is None:
        return True, None
    with session.no_autoflush:
        still_here = session.scalar(sa.select(UserAccount.id).where(
            UserAccount.id == last_here.completed_by_user_id, UserAccount.association_id == association_id,
            UserAccount.role == "secretariat", UserAccount.is_active.is_(True)))
    return True, still_here


def _where(task) -> dict:
    """The element a failure is about, for its incident."""
    spec = task.task_spec
    return {"element": spec.bpmn_id or "", "element_name": spec.bpmn_name or "",
            "process": getattr(getattr(spec, "_wf_spec", None), "name", None) or task.workflow.spec.name}


def _association(session: Session, code, task) -> tuple[int, int]:
    found = associations.id_and_layer(session, code)
    if found is None:
        raise ProcessFailed(f"task {task.task_spec.bpmn_id}: no association {code!r}", **_where(task))
    return found


def _property(task, expression: str):
    try:
        return safe_eval.evaluate(expression, task.data)
    except Exception as exc:
        raise ProcessFailed(f"task {task.task_spec.bpmn_id}: Error evaluating expression '{expression}': {exc}",
                            **_where(task)) from exc
