"""Incidents (as Camunda Cockpit's): a step that the process itself made fail — a bad expression, a
gateway none of whose conditions holds, a timer that cannot fire. The step rolls back whole; what
broke is kept in the audit trail for the designers: the instance (or, for a start, the version),
the element and the engine's reason. An instance's incident is resolved once the instance moved on
after it (a fix deployed and the instance migrated, or a step that now works); a start's once a
newer version of the process is deployed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import audit
from membership.actors import Actor
from membership.db import utcnow
from membership.models import INCIDENT_ACTIONS_SQL, AuditEvent

from .models import HumanTask, ProcessDefinition, ProcessInstance
from .runtime import ProcessFailed

#: the audit actions that are incidents (process.incident: before the nineteenth session)
ON_INSTANCES = ("instance.incident", "process.incident", "instance.timer_failed")
ON_STARTS = ("process.start_failed",)
#: how far back the incident list looks
WINDOW = dt.timedelta(days=90)
LIST_LIMIT = 200


def record(session: Session, actor: Actor | None, exc: ProcessFailed) -> None:
    """Keep a failed step (the caller rolled it back and commits this alone)."""
    where = {"element": exc.element or None, "element_name": exc.element_name or None,
             "process": exc.process or None}
    if exc.instance_id is not None:
        instance = session.get(ProcessInstance, exc.instance_id)
        # the version that failed, as it was then (a later migration must not move the blame)
        failed = (instance.definition_ids or {}).get(exc.process or "") or instance.definition_id if instance else None
        audit.record(session, actor, "instance.incident", "process_instance", exc.instance_id,
                     detail=exc.detail[:500], definition_id=failed, **where)
    elif exc.definition_id is not None:
        definition = session.get(ProcessDefinition, exc.definition_id)
        audit.record(session, actor, "process.start_failed", "process_definition", exc.definition_id,
                     key=definition.key if definition else None, version=definition.version if definition else None,
                     detail=exc.detail[:500], **where)


@dataclass
class Incident:
    event: AuditEvent
    key: str
    version: int | None
    instance_id: int | None
    element: str
    element_name: str
    detail: str
    resolved: bool

    @property
    def summary(self) -> tuple[str, dict]:
        return explain(self.detail)


_EXPRESSION = re.compile(r"Error evaluating expression '(?P<expression>.*?)'(?:\. (?P<hint>.*))?", re.S)
_NO_ASSOCIATION = re.compile(r"no association '(?P<code>[^']*)'")


def explain(detail: str) -> tuple[str, dict]:
    """(message key, params) in the designers' words for the engine's commonest reasons; the
    engine's own text is shown beside it."""
    if (m := _EXPRESSION.search(detail or "")) is not None:
        return "incident.expression", {"expression": m["expression"]}
    if (m := _NO_ASSOCIATION.search(detail or "")) is not None:
        return "incident.no_association", {"code": m["code"]}
    if "No conditions" in (detail or "") or "no conditions" in (detail or ""):
        return "incident.no_condition_holds", {}
    return "incident.other", {}


#: the incidents read from the partial index at a time, newest first
BATCH = 500


def recent(session: Session, key: str | None = None, open_only: bool = False,
           now: dt.datetime | None = None) -> list[Incident]:
    """The incidents of the last WINDOW, newest first (of one process `key`, if given; unresolved
    ones only, if `open_only`), at most LIST_LIMIT — read from the incidents' own index a batch at a
    time until that many are found, so resolved ones in between hide no unresolved one."""
    since = (now or utcnow()) - WINDOW
    out: list[Incident] = []
    before = None
    while len(out) < LIST_LIMIT:
        events = list(session.scalars(sa.select(AuditEvent).where(
            sa.text(INCIDENT_ACTIONS_SQL), AuditEvent.at >= since,
            *([AuditEvent.id < before] if before is not None else []))
            .order_by(AuditEvent.id.desc()).limit(BATCH)))
        out += _judged(session, events, key, open_only)
        if len(events) < BATCH:
            break
        before = events[-1].id
    return out[:LIST_LIMIT]


def _progress(session: Session, instance_ids: list[int]) -> dict[int, object]:
    """{instance id: when its last human task was made or completed}: a process that got a step
    further than its failure."""
    out: dict[int, object] = {}
    for instance_id, made, done in session.execute(
            sa.select(HumanTask.instance_id, sa.func.max(HumanTask.created_at), sa.func.max(HumanTask.completed_at))
            .where(HumanTask.instance_id.in_(instance_ids)).group_by(HumanTask.instance_id)):
        out[instance_id] = max(t for t in (made, done) if t is not None)
    return out


def _resolved(instance: ProcessInstance, at, progress: dict) -> bool:
    """Ended, or moved on past the failure: a task made or completed since (a timer that fired on
    time, or a migration to a version that fails the same, moves nothing)."""
    last = progress.get(instance.id)
    return instance.status != "running" or (last is not None and last > at)


def _definition_ids(events: list[AuditEvent], instances: dict) -> list[int]:
    return ([e.object_id for e in events if e.object_type == "process_definition"]
            + [(e.detail or {}).get("definition_id") for e in events if (e.detail or {}).get("definition_id")]
            + [i for instance in instances.values() for i in [instance.definition_id,
                                                              *(instance.definition_ids or {}).values()]])


def _judged(session: Session, events: list[AuditEvent], key: str | None, open_only: bool) -> list[Incident]:
    instances = {i.id: i for i in session.scalars(sa.select(ProcessInstance).where(ProcessInstance.id.in_(
        [e.object_id for e in events if e.object_type == "process_instance"])))}
    definitions = {d.id: d for d in session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.id.in_(_definition_ids(events, instances))))}
    progress = _progress(session, list(instances))
    newest = dict(session.execute(sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version))
                                  .group_by(ProcessDefinition.key)).all())
    out = []
    for event in events:
        detail = event.detail or {}
        if event.object_type == "process_instance":
            instance = instances.get(event.object_id)
            if instance is None:
                continue
            definition = _holding(instance, detail, definitions)
            item = Incident(event, definition.key if definition else "", definition.version if definition else None,
                            instance.id, detail.get("element") or "", detail.get("element_name") or "",
                            detail.get("detail") or "", _resolved(instance, event.at, progress))
        else:
            definition = definitions.get(event.object_id)
            if definition is None:
                continue
            item = Incident(event, definition.key, definition.version, None, detail.get("element") or "",
                            detail.get("element_name") or "", detail.get("detail") or "",
                            newest.get(definition.key, 0) > definition.version)
        if (key is None or item.key == key) and not (open_only and item.resolved):
            out.append(item)
    return out


def _holding(instance: ProcessInstance, detail: dict, definitions: dict) -> ProcessDefinition | None:
    """The version of the process the failed element was in when it failed (recorded since the
    nineteenth session), else as the instance names it now: its own, or one it calls."""
    called = (instance.definition_ids or {}).get(detail.get("process") or "")
    return definitions.get(detail.get("definition_id")) or definitions.get(called) \
        or definitions.get(instance.definition_id)


def of_instance(session: Session, instance: ProcessInstance, limit: int = 20) -> list[Incident]:
    """An instance's latest incidents, newest first (the instance viewer)."""
    events = list(session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "process_instance", AuditEvent.object_id == instance.id,
        AuditEvent.action.in_(ON_INSTANCES)).order_by(AuditEvent.id.desc()).limit(limit)))
    definitions = {d.id: d for d in session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.id.in_(_definition_ids(events, {instance.id: instance}))))}
    progress = _progress(session, [instance.id])
    out = []
    for e in events:
        detail = e.detail or {}
        definition = _holding(instance, detail, definitions)
        out.append(Incident(e, definition.key if definition else "", definition.version if definition else None,
                            instance.id, detail.get("element") or "", detail.get("element_name") or "",
                            detail.get("detail") or "", _resolved(instance, e.at, progress)))
    return out


def open_counts(session: Session) -> dict[str, int]:
    """{process key: unresolved incidents} for the library."""
    counts: dict[str, int] = {}
    for item in recent(session, open_only=True):
        counts[item.key] = counts.get(item.key, 0) + 1
    return counts
