"""Dry run of a draft: replay the last completed applications through it (decision 0016).

Each application's instance is run again, in memory, on the draft (the other processes it calls
at their latest versions). Nothing is written: service operations are simulated on a copy of the
application's parts, and every human task is answered with the decision that was recorded for
the same task of the same association, in order. The result says, per application, whether the
draft takes the same path (the same tasks of the same associations with the same decisions) and
ends the same way, and where it first differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from membership.models import Application, Association

from . import safe_eval
from .deploy import add_to_parser, latest_of_each
from .models import HumanTask, ProcessDefinition, ProcessInstance
from .script_engine import RestrictedScriptEngine, RunContext, ServiceFailed
from .validation import kind_of

MAX_STEPS = 200
FAR_FUTURE = "2999-01-01T00:00:00+00:00"
PAST = "2000-01-01T00:00:00+00:00"


@dataclass
class Step:
    bpmn_id: str
    name: str
    association: str
    decision: str | None

    def key(self) -> tuple:
        return (self.bpmn_id, self.association, self.decision or "")

    def label(self, names: dict[str, str]) -> str:
        who = names.get(self.association, self.association)
        return f"{who} {self.name}" + (f"（{self.decision}）" if self.decision else "")


@dataclass
class Replay:
    application_id: int
    kind: str
    recorded_outcome: str
    draft_outcome: str
    recorded: list[Step]
    replayed: list[Step]
    first_difference: int | None = None
    note: str = ""
    names: dict[str, str] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        return self.first_difference is not None or self.recorded_outcome != self.draft_outcome

    def difference(self) -> tuple[str, str]:
        """(recorded, draft) at the first difference, as text for the table."""
        i = self.first_difference
        if i is None:
            return "", ""
        before = self.recorded[i].label(self.names) if i < len(self.recorded) else "—"
        after = self.replayed[i].label(self.names) if i < len(self.replayed) else (self.note or "—")
        return before, after


class _Simulation:
    """The service operations, answered from a copy of the application's parts."""

    def __init__(self, app: Application):
        self.app_id = app.id
        self.parts = [{"id": p.id, "association": p.association.code, "layer": p.layer,
                       "association_name": p.association.name, "status": "pending"} for p in app.parts]
        self.outcome = "in_review"

    def _part(self, part_id):
        return next(p for p in self.parts if p["id"] == part_id)

    def next_part(self, application_id):
        found = next((p for p in self.parts if p["status"] == "pending"), None)
        return {k: found[k] for k in ("id", "association", "layer", "association_name")} if found else None

    def open_part(self, part_id):
        self._part(part_id)["status"] = "in_review"
        return True

    def approve_part(self, part_id, comment=""):
        self._part(part_id)["status"] = "approved"
        return True

    def reject_part(self, part_id, comment=""):
        self._part(part_id)["status"] = "rejected"
        for p in self.parts:
            if p["status"] == "pending":
                p["status"] = "cancelled"
        self.outcome = "rejected"
        return True

    def return_part(self, part_id, comment=""):
        self._part(part_id)["status"] = "pending"
        self.outcome = "returned"
        return True

    def decline_part(self, part_id, comment=""):
        self._part(part_id)["status"] = "rejected"
        return True

    def finish_each(self, application_id):
        self.outcome = "approved" if any(p["status"] == "approved" for p in self.parts) else "rejected"
        return self.outcome

    def finish(self, application_id):
        if self.outcome == "rejected":  # the application's own transitions refuse this too
            raise ValueError("the application was rejected and cannot be approved")
        self.outcome = "approved"
        return True

    def applied(self, application_id):
        self.outcome = "completed"
        return True

    def services(self) -> dict:
        """The same operation names as engine.services.SERVICES (a test keeps them equal)."""
        ignore = lambda *a, **k: None  # noqa: E731
        return {
            "application.next_part": self.next_part, "application.open_part": self.open_part,
            "application.approve_part": self.approve_part, "application.reject_part": self.reject_part,
            "application.return_part": self.return_part, "application.finish": self.finish,
            "application.decline_part": self.decline_part, "application.finish_each": self.finish_each,
            "application.escalate": ignore,
            "calendar.deadline": lambda association, business_days: FAR_FUTURE,  # no escalation in a replay
            "application.effective_at": lambda application_id: PAST,  # the date has come
            "application.apply_withdrawal": self.applied,
            "transfer.effective_at": lambda application_id: PAST,
            "transfer.apply": self.applied,
            "certification.issue": lambda application_id: {"certificate_id": None, "number": ""},
        }


def _bind(services: dict) -> dict:
    # the engine calls services as (session, actor, **params); the simulation needs neither
    return {name: (lambda f: lambda _session, _actor, **params: f(**params))(func) for name, func in services.items()}


CANDIDATE_PAGE = 200


def candidates(session: Session, key: str, limit: int) -> list[ProcessInstance]:
    """The last `limit` completed instances that ran process `key` (as their own or a called one),
    read a page at a time (not a server-side cursor: an API read on PostgreSQL has no transaction
    to hold one)."""
    found: list[ProcessInstance] = []
    stmt = (sa.select(ProcessInstance).where(ProcessInstance.status == "completed",
                                             ProcessInstance.application_id.is_not(None))
            .order_by(ProcessInstance.completed_at.desc(), ProcessInstance.id.desc()))
    offset = 0
    while len(found) < limit:
        batch = session.scalars(stmt.limit(CANDIDATE_PAGE).offset(offset)).all()
        found += [instance for instance in batch if key in (instance.definition_ids or {})]
        if len(batch) < CANDIDATE_PAGE:
            break
        offset += CANDIDATE_PAGE
    return found[:limit]


def dry_run(session: Session, key: str, xml: str, limit: int = 20) -> list[Replay]:
    """Replay the last `limit` completed applications that used `key` through `xml`."""
    results = []
    for instance in candidates(session, key, limit):
        results.append(_replay(session, instance, key, xml))
    return results


def _specs(session: Session, top_key: str, key: str, xml: str):
    """The draft for `key` and the latest version of every other process (what a new application
    would run once the draft is deployed)."""
    parser = SpiffBpmnParser()
    add_to_parser(parser, xml, f"{key}.{kind_of(xml)}")
    for row in session.scalars(latest_of_each().where(ProcessDefinition.key != key)):
        add_to_parser(parser, row.xml, row.filename)
    return parser.get_spec(top_key), parser.get_subprocess_specs(top_key)


def _replay(session: Session, instance: ProcessInstance, key: str, xml: str) -> Replay:
    app = session.get(Application, instance.application_id)
    rows = list(session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status == "completed").order_by(
        HumanTask.completed_at, HumanTask.id)))
    codes, names = {}, {}
    ids = {r.association_id for r in rows if r.association_id}
    if ids:
        for id_, code, name in session.execute(sa.select(Association.id, Association.code, Association.name)
                                               .where(Association.id.in_(ids))):
            codes[id_], names[code] = code, name
    names.update({p.association.code: p.association.name for p in app.parts})
    recorded = [Step(r.bpmn_id, r.name, codes.get(r.association_id, "") if r.association_id else "",
                     r.decision) for r in rows]
    recorded_outcome = str(app.status.value if hasattr(app.status, "value") else app.status)
    top_key = next(k for k, v in instance.definition_ids.items() if v == instance.definition_id)
    sim = _Simulation(app)
    result = Replay(app.id, app.kind, recorded_outcome, "", recorded, [], names=names)
    try:
        spec, subprocess_specs = _specs(session, top_key, key, xml)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=RestrictedScriptEngine(
            _bind(sim.services()), RunContext(session, None)))
        workflow.get_tasks(state=TaskState.READY)[0].set_data(
            application_id=app.id, applicant_user_id=app.applicant_user_id)
        _run(workflow, sim, result, rows)
    except (ServiceFailed, Exception) as exc:  # a draft that breaks on real data is a finding, not a crash
        result.note = f"{type(exc).__name__}: {exc}"[:300]
        result.draft_outcome = "error"
    if not result.draft_outcome:
        result.draft_outcome = sim.outcome if workflow.is_completed() else "waiting"
    result.first_difference = next((i for i, (a, b) in enumerate(zip(recorded, result.replayed, strict=False))
                                    if a.key() != b.key()), None)
    if result.first_difference is None and len(recorded) != len(result.replayed):
        result.first_difference = min(len(recorded), len(result.replayed))
    return result


def _run(workflow: BpmnWorkflow, sim: _Simulation, result: Replay, rows: list[HumanTask]) -> None:
    remaining = list(result.recorded)
    for _ in range(MAX_STEPS):
        workflow.refresh_timers()
        workflow.do_engine_steps()
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            if workflow.is_completed() or not _timer_waits(workflow):
                return
            continue
        task = ready[0]
        props = task.task_spec.extensions.get("properties", {})
        association = ""
        if props.get("candidate_association"):
            association = str(safe_eval.evaluate(props["candidate_association"], task.data))
        bpmn_id = task.task_spec.bpmn_id
        match = next((s for s in remaining if s.bpmn_id == bpmn_id and s.association == association), None)
        if match is None:  # kind and association, when the task was renamed to a new id
            kind = props.get("kind", "review")
            match = next((s for s in remaining if s.association == association and
                          _kind_of(rows, s) == kind), None)
        step = Step(task.task_spec.bpmn_id, task.task_spec.bpmn_name or task.task_spec.bpmn_id, association,
                    match.decision if match else None)
        result.replayed.append(step)
        if match is None:
            result.note = "no recorded decision"
            result.draft_outcome = "waiting"
            return
        remaining.remove(match)
        if match.decision:
            task.set_data(decision=match.decision, comment="")
        task.run()
    result.note = "too many steps"
    result.draft_outcome = "loop"


def _kind_of(rows: list[HumanTask], step: Step) -> str:
    return next((r.kind for r in rows if r.bpmn_id == step.bpmn_id), "review")


def _timer_waits(workflow: BpmnWorkflow) -> bool:
    now = dt.datetime.now(dt.UTC)
    for event in workflow.waiting_events():
        value = event.value["next"] if isinstance(event.value, dict) else event.value
        try:
            if value and dt.datetime.fromisoformat(value) <= now:
                return True
        except (TypeError, ValueError):
            continue
    return False
