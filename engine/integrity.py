"""The engine's side of `flask check integrity`: the human-task table agrees with the instances."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import integrity
from membership.models import Application

from .models import BulkRun, BulkRunItem, HumanTask, ProcessInstance


def check(session: Session, upload_root: Path | None = None) -> list[str]:
    problems = integrity.check(session, upload_root)
    problems += [f"human task {i}: open on a process instance that is not running" for i in session.scalars(
        sa.select(HumanTask.id).join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(HumanTask.status == "open", ProcessInstance.status != "running"))]
    problems += [f"application {i}: pending without a running process" for i in session.scalars(
        sa.select(Application.id).outerjoin(ProcessInstance, ProcessInstance.application_id == Application.id)
        .where(Application.status.in_(("submitted", "in_review", "returned")),
               sa.or_(ProcessInstance.id.is_(None), ProcessInstance.status != "running")))]
    problems += [f"process instance {i}: running with no open task and no timer" for i in session.scalars(
        sa.select(ProcessInstance.id).where(
            ProcessInstance.status == "running", ProcessInstance.timer_due_at.is_(None),
            ~sa.exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.status == "open")))]
    problems += _bulk_runs(session)
    return problems


def _bulk_runs(session: Session) -> list[str]:
    """Every bulk run's progress agrees with its items: the items before its position are worked
    (its counters count them), those from it on are not, and a finished run has worked them all."""
    item = BulkRunItem
    worked = sa.and_(item.outcome != "pending", item.position < BulkRun.position)
    pending = sa.and_(item.outcome == "pending", item.position >= BulkRun.position)
    rows = session.execute(
        sa.select(BulkRun.id, BulkRun.total, BulkRun.position, BulkRun.succeeded, BulkRun.failed, BulkRun.status,
                  sa.func.count(item.id), sa.func.count().filter(worked), sa.func.count().filter(pending),
                  sa.func.count().filter(sa.and_(worked, item.outcome == "ok")))
        .outerjoin(item, item.run_id == BulkRun.id).group_by(BulkRun.id))
    return [f"bulk run {run_id}: its progress disagrees with its items"
            for run_id, total, position, succeeded, failed, status, items, done, waiting, ok in rows
            if items != total or done != position or waiting != total - position or ok != succeeded
            or succeeded + failed != position or (status == "finished") != (position == total)]
