"""The inbox: who sees which human task, claiming, completing (with the instance lock)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import applications, audit, members
from membership.actors import Actor
from membership.db import utcnow
from membership.errors import Conflict, NotFound, ValidationFailed
from membership.models import Application, Association

from .models import HumanTask
from .runtime import lock_instance, run_human_task

DECISIONS = ("approve", "reject", "return")
MAX_COMMENT = 1000


def _scope(actor: Actor, on_behalf: bool = False):
    """The one place that says which human tasks an actor may see and work.

    `on_behalf`: a secretariat acting for a member (利用規約 §5-5) works the amendment tasks
    assigned to members of its association, instead of its own review tasks.
    """
    if on_behalf:
        if actor.role != "secretariat":
            return sa.false()
        return sa.and_(HumanTask.kind == "amend", HumanTask.assignee_user_id.in_(members.accounts_in_scope(actor)))
    if actor.role == "secretariat":
        return HumanTask.association_id == actor.association_id
    if actor.role == "member":
        return HumanTask.assignee_user_id == actor.user_id
    return sa.false()


def list_tasks(session: Session, actor: Actor, status: str | None = "open", kind: str | None = None,
               association: str | None = None, application_id: int | None = None,
               assignee_user_id: int | None = None, on_behalf: bool = False) -> list[tuple]:
    """[(HumanTask, association code)] newest first, in the actor's scope. One query."""
    stmt = (sa.select(HumanTask, Association.code).outerjoin(Association, HumanTask.association_id == Association.id)
            .where(_scope(actor, on_behalf)))
    if assignee_user_id:
        stmt = stmt.where(HumanTask.assignee_user_id == assignee_user_id)
    if status and status != "all":
        stmt = stmt.where(HumanTask.status == status)
    if kind:
        stmt = stmt.where(HumanTask.kind == kind)
    if association:
        stmt = stmt.where(Association.code == association)
    if application_id:
        stmt = stmt.where(HumanTask.application_id == application_id)
    return [tuple(r) for r in session.execute(stmt.order_by(HumanTask.created_at.desc(), HumanTask.id.desc()))]


def get_task(session: Session, actor: Actor, task_id: int, on_behalf: bool = False) -> HumanTask:
    """Raises NotFound when missing or outside the actor's scope (the two look the same)."""
    task = session.scalar(sa.select(HumanTask).where(HumanTask.id == task_id, _scope(actor, on_behalf)))
    if task is None:
        raise NotFound()
    return task


def task_dict(task: HumanTask, association_code: str | None) -> dict:
    return {
        "id": task.id, "application_id": task.application_id, "kind": task.kind, "name": task.name,
        "form_key": task.form_key, "association": association_code, "layer": task.layer,
        "status": task.status, "created_at": task.created_at.isoformat() + "Z",
        "due_at": task.due_at.isoformat() + "Z" if task.due_at else None,
        "claimed_by": task.claimed_by_user_id, "completed_at": task.completed_at.isoformat() + "Z"
        if task.completed_at else None, "decision": task.decision, "comment": task.comment,
    }


def describe(session: Session, task: HumanTask) -> dict:
    code = session.scalar(sa.select(Association.code).where(Association.id == task.association_id)) \
        if task.association_id else None
    return task_dict(task, code)


def claim(session: Session, actor: Actor, task_id: int) -> HumanTask:
    """Raises NotFound, Conflict (already claimed by someone else or closed)."""
    task = get_task(session, actor, task_id)
    done = session.execute(sa.update(HumanTask).where(
        HumanTask.id == task.id, HumanTask.status == "open",
        sa.or_(HumanTask.claimed_by_user_id.is_(None), HumanTask.claimed_by_user_id == actor.user_id))
        .values(claimed_by_user_id=actor.user_id))
    session.refresh(task)
    if done.rowcount != 1:
        raise Conflict("task_claimed" if task.status == "open" else "task_not_open")
    audit.record(session, actor, "task.claim", "human_task", task.id)
    return task


def unclaim(session: Session, actor: Actor, task_id: int) -> HumanTask:
    task = get_task(session, actor, task_id)
    if task.status != "open":
        raise Conflict("task_not_open")
    if task.claimed_by_user_id not in (None, actor.user_id):
        raise Conflict("task_claimed")
    task.claimed_by_user_id = None
    audit.record(session, actor, "task.unclaim", "human_task", task.id)
    return task


def _validate_decision(task: HumanTask, decision: str | None, comment: str | None) -> None:
    errors: dict[str, tuple[str, dict]] = {}
    if task.kind == "review":
        if decision not in DECISIONS:
            errors["decision"] = ("unknown_decision", {})
        elif decision in ("reject", "return") and not (comment or "").strip():
            errors["comment"] = ("comment_required", {})
    if comment and len(comment) > MAX_COMMENT:
        errors["comment"] = ("too_long", {"max": MAX_COMMENT})
    if errors:
        raise ValidationFailed(errors)


def complete_task(session: Session, actor: Actor, task_id: int, decision: str | None = None,
                  comment: str | None = None, changes: dict | None = None, on_behalf: bool = False) -> HumanTask:
    """Complete one human task and advance its process, in the caller's transaction.

    Locks the instance first; of two concurrent completions the second raises Conflict.
    Raises NotFound (missing or outside scope), Conflict, ValidationFailed, and any domain error
    of the service tasks the process runs next (the caller rolls back whole).
    """
    instance = lock_instance(session, task_id=task_id, scope=_scope(actor, on_behalf))
    # Read after the lock: what another completion committed meanwhile is visible now.
    rows = list(session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance.id, sa.or_(HumanTask.status == "open", HumanTask.id == task_id))
        .execution_options(populate_existing=True)))
    task = next(r for r in rows if r.id == task_id)
    if task.status != "open":
        raise Conflict("task_not_open")
    if task.claimed_by_user_id not in (None, actor.user_id):
        raise Conflict("task_claimed")
    if task.kind == "amend":
        decision = "resubmit"
    _validate_decision(task, decision, comment)
    if task.kind == "amend" and task.application_id:
        app = session.get(Application, task.application_id)
        applications.amend(session, actor, app, changes or {})
    # Mark the row first so that materialise() does not see it as vanished.
    task.status = "completed"
    task.completed_at = utcnow()
    task.completed_by_user_id = actor.user_id
    task.decision = decision
    task.comment = (comment or "").strip()
    run_human_task(session, actor, instance, task,
                   {"decision": decision, "comment": task.comment, "decided_by": actor.user_id}, rows)
    acted_for = task.assignee_user_id if task.assignee_user_id not in (None, actor.user_id) else None
    audit.record(session, actor, "task.complete", "human_task", task.id, on_behalf_of_user_id=acted_for,
                 decision=decision, application_id=task.application_id)
    session.flush()  # one flush for the whole step: the caller then reads what it wrote
    return task
