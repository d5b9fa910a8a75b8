"""Looking at process instances, for designers and admins (the library's instance list and the
instance viewer, in screens and API). Read only; the role check is the caller's (the web layer)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership.actors import Actor
from membership.errors import NotFound

from . import deploy, positions
from .incidents import of_instance
from .models import HumanTask, ProcessDefinition, ProcessInstance
from .runtime import restore

LIST_LIMIT = 200


def of_version(session: Session, key: str, version) -> tuple[ProcessDefinition, list[ProcessInstance],
                                                              dict[int, list[str]]]:
    """The newest instances started on one version, and the names of each one's open tasks.
    Raises NotFound for an unknown key or version."""
    definition = deploy.get_version(session, key, version) if key and str(version).isdigit() else None
    if definition is None:
        raise NotFound()
    rows = list(session.scalars(sa.select(ProcessInstance).where(ProcessInstance.definition_id == definition.id)
                                .order_by(ProcessInstance.id.desc()).limit(LIST_LIMIT)))
    open_tasks: dict[int, list[str]] = {}
    for instance_id, name in session.execute(sa.select(HumanTask.instance_id, HumanTask.name).where(
            HumanTask.instance_id.in_([r.id for r in rows]), HumanTask.status == "open")):
        open_tasks.setdefault(instance_id, []).append(name)
    return definition, rows, open_tasks


def get(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound()
    return instance


def view(session: Session, actor: Actor, instance_id: int, with_diagrams: bool = False) -> dict:
    """What the instance viewer shows: the instance, its definition, its human tasks (oldest
    first), its data (masked for designers) and, if asked, the diagrams' positions. The workflow
    is restored once for all of it. Raises NotFound."""
    instance = get(session, instance_id)
    workflow = restore(session, actor, instance)
    tasks = list(session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance.id)
                                 .order_by(HumanTask.created_at, HumanTask.id)))
    data = positions.instance_data(session, actor, instance, actor.role == "designer", workflow)
    definition = session.get(ProcessDefinition, instance.definition_id)
    # a newer version of the process or of one it calls: "migrate to the latest" has something to do
    outdated = any((newest := deploy.latest(session, key)) is not None and newest.id != definition_id
                   for key, definition_id in (instance.definition_ids or {}).items())
    return {"instance": instance, "definition": definition, "outdated": outdated,
            "tasks": tasks, "data": data, "incidents": of_instance(session, instance),
            "diagrams": positions.positions(session, actor, instance, workflow) if with_diagrams else None}


