"""Moving running instances onto the latest versions of their processes (admins; decision 0016).

An instance keeps the versions it started with unless an admin migrates it. Migration aligns the
instance's tasks with the new diagrams by BPMN id (SpiffWorkflow's spec diff) and is refused,
with the reason, where a task the instance is at or has done no longer exists: the instance is
then left exactly as it was. Every migration and every refusal is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from membership import audit, safe_text
from membership.actors import Actor
from membership.errors import NotFound

from .deploy import latest, load_specs, resolve_calls
from .models import HumanTask, ProcessDefinition, ProcessInstance
from .runtime import _store, advance, lock_instance, materialise, restore, serializer

#: states of tasks that only predict what may come; these may be dropped when their element is gone
PREDICTED = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


@dataclass
class Outcome:
    instance_id: int
    migrated: bool
    #: a message key (membership.messages) saying why not, with its params
    reason: str = ""
    params: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)


def waiting_on(session: Session, definition: ProcessDefinition) -> list[int]:
    """Running instances that use `definition` (as their own process or a called one)."""
    ids = []
    for instance_id, used in session.execute(sa.select(ProcessInstance.id, ProcessInstance.definition_ids)
                                             .where(ProcessInstance.status == "running")
                                             .order_by(ProcessInstance.id)):
        if (used or {}).get(definition.key) == definition.id:
            ids.append(instance_id)
    return ids


def migrate_instance(session: Session, actor: Actor, instance_id: int) -> Outcome:
    """Migrate one instance to the latest versions, under its lock, in a savepoint: a refusal or a
    failure leaves it untouched. Raises NotFound."""
    instance = lock_instance(session, instance_id)
    outcome = Outcome(instance.id, False)
    if instance.status != "running":
        outcome.reason = "migration.not_running"
    else:
        top_key = next(k for k, v in instance.definition_ids.items() if v == instance.definition_id)
        target = resolve_calls(session, latest(session, top_key))
        if target == instance.definition_ids:
            outcome.reason = "migration.up_to_date"
        else:
            audit.flush(session)  # a refusal rolls the savepoint back, with what is pending
            try:
                with session.begin_nested():
                    _migrate(session, actor, instance, top_key, target, outcome)
                    if not outcome.migrated:
                        raise _Refused()
            except _Refused:
                session.refresh(instance)
            except Exception as exc:  # the new diagram cannot carry this instance on
                session.refresh(instance)
                outcome.migrated = False
                outcome.reason, outcome.params = "migration.failed", {"detail": str(exc)[:300]}
    audit.record(session, actor, "instance.migrate" if outcome.migrated else "instance.migrate_refused",
                 "process_instance", instance.id, reason=outcome.reason, **outcome.versions)
    audit.flush(session)
    return outcome


def migrate_version(session: Session, actor: Actor, key: str, version: int) -> list[Outcome]:
    """Migrate every running instance on `key` v`version`, one by one (each succeeds or is
    refused on its own)."""
    definition = session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                                   ProcessDefinition.version == version))
    if definition is None:
        raise NotFound()
    return [migrate_instance(session, actor, i) for i in waiting_on(session, definition)]


class _Refused(Exception):
    pass


def _migrate(session: Session, actor: Actor, instance: ProcessInstance, top_key: str, target: dict,
             outcome: Outcome) -> None:
    workflow = restore(session, actor, instance)
    spec, subprocess_specs = load_specs(session, top_key, target)
    top_diff, sub_diffs = diff_workflow(serializer().registry, workflow, spec, subprocess_specs)
    gone = []
    for diff, owner in [(top_diff, workflow), *((d, workflow.subprocesses[i]) for i, d in sub_diffs.items())]:
        if diff is None:
            gone.append(owner.spec.name)
            continue
        for task in diff.removed:
            if task.has_state(PREDICTED):
                continue
            gone.append((bool(task.task_spec.bpmn_id),
                         task.task_spec.bpmn_name or task.task_spec.bpmn_id or task.task_spec.name))
    if gone:
        # by the names the designer gave; the engine's own joins and splits only if nothing else
        named = sorted({name for designed, name in gone if designed}) or sorted({name for _, name in gone})
        outcome.reason, outcome.params = "migration.task_removed", {"tasks": "、".join(named)}
        return
    for diff, owner, new_spec in [(top_diff, workflow, spec), *(
            (d, workflow.subprocesses[i], subprocess_specs[workflow.subprocesses[i].spec.name])
            for i, d in sub_diffs.items())]:
        _drop_predicted(owner, diff.removed)
        migrate_workflow(diff, owner, new_spec)
    workflow.subprocess_specs = subprocess_specs
    advance(workflow)
    before = {k: v for k, v in instance.definition_ids.items()}
    instance.definition_id = target[top_key]
    instance.definition_ids = target
    _store(instance, workflow)
    open_rows = list(session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                                HumanTask.status == "open")))
    materialise(session, instance, workflow, open_rows)
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    for row in open_rows:  # tasks that carried on keep their claim and history, with the new name
        task = ready.get(row.spiff_task_id)
        if row.status == "open" and task is not None:
            row.name = safe_text.clip(task.task_spec.bpmn_name or task.task_spec.bpmn_id, 200)
            row.form_key = task.task_spec.extensions.get("properties", {}).get("form_key", row.form_key)
    outcome.migrated = True
    numbers = dict(session.execute(sa.select(ProcessDefinition.id, ProcessDefinition.version).where(
        ProcessDefinition.id.in_(set(target.values())))).all())
    # definition rows (for the audit trail) and what a reader knows: {process key: version number}
    outcome.versions = {"from": before, "to": target, "now": {k: numbers.get(i) for k, i in target.items()}}


def _drop_predicted(owner, removed_tasks) -> None:
    """Forget predicted tasks whose element was removed; the engine predicts again from the new
    diagram when their parent runs."""
    for task in removed_tasks:
        if task.id not in owner.tasks or not task.has_state(PREDICTED):
            continue
        for descendant in list(task):
            owner.tasks.pop(descendant.id, None)
        if task.parent is not None and task.id in task.parent._children:
            task.parent._children.remove(task.id)
