"""Where an instance stands, per diagram: for the task page's process viewer (bpmn-js).

Read only: the workflow is restored, looked at and dropped; nothing is stored and no lock is taken.
Call activities that have finished were dropped from the stored state (decision 0009), so a
finished layer review shows as one completed activity in the calling diagram.
"""

from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from membership.actors import Actor

from .models import ProcessDefinition, ProcessInstance
from .runtime import restore

ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.ERROR


def positions(session: Session, actor: Actor, instance: ProcessInstance, workflow=None) -> list[dict]:
    """[{key, name, version, xml, done, active, waiting: [bpmn ids], active_names, waiting_names}]
    — the instance's own diagram first, then each call activity's diagram that is running now.
    `waiting`: events waiting for their trigger (a boundary timer not yet due). `workflow`: the
    instance already restored by the caller, if it has it."""
    workflow = workflow or restore(session, actor, instance)
    marks: dict[str, dict[str, dict[str, str]]] = {}
    for task in workflow.get_tasks():
        spec = task.task_spec
        bpmn_id = getattr(spec, "bpmn_id", None)
        if not bpmn_id:
            continue  # the engine's own bookkeeping tasks
        key = task.workflow.spec.name
        bucket = marks.setdefault(key, {"done": {}, "active": {}, "waiting": {}})
        if task.has_state(TaskState.COMPLETED):
            bucket["done"][bpmn_id] = spec.bpmn_name or bpmn_id
        elif task.has_state(ACTIVE):
            bucket["active"][bpmn_id] = spec.bpmn_name or bpmn_id
        elif task.has_state(TaskState.WAITING):
            bucket["waiting"][bpmn_id] = spec.bpmn_name or bpmn_id
    top = workflow.spec.name
    keys = [top] + sorted(k for k in marks if k != top and (marks[k]["active"] or marks[k]["waiting"]))
    rows = {r.key: r for r in session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.id.in_([instance.definition_ids[k] for k in keys if k in instance.definition_ids])))}
    out = []
    for key in keys:
        row = rows.get(key)
        if row is None:
            continue
        bucket = marks.get(key, {"done": {}, "active": {}, "waiting": {}})
        active, waiting = bucket["active"], bucket["waiting"]
        out.append({"key": key, "name": row.name or key, "version": row.version, "xml": row.xml,
                    # in a loop an element can be both done and active; where it is now wins
                    "done": sorted(set(bucket["done"]) - set(active) - set(waiting)), "active": sorted(active),
                    "waiting": sorted(waiting), "active_names": [active[i] for i in sorted(active)],
                    "waiting_names": [waiting[i] for i in sorted(waiting)]})
    return out


#: instance data keys a designer may read as they are (ids of processes and associations, the
#: flow's own decisions and dates); every other value is masked for designers (personal data)
OPEN_KEYS = {"application_id", "part", "decision", "escalate_at", "effective_at", "finished", "opened", "approved",
             "rejected", "returned", "applied", "escalated_to"}


def instance_data(session: Session, actor: Actor, instance: ProcessInstance, mask: bool, workflow=None) -> dict:
    """The workflow data as the finished tasks left it; with `mask`, values outside OPEN_KEYS are
    replaced by ＊＊＊ (comments, user ids)."""
    workflow = workflow or restore(session, actor, instance)
    data = dict(workflow.data or {})
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        data.update(task.data or {})
    if mask:
        data = {k: (v if k in OPEN_KEYS else "＊＊＊") for k, v in data.items()}
    return dict(sorted(data.items()))
