"""The engine's side of `flask check integrity`: the human-task table agrees with the instances."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from membership import integrity
from membership.models import Application

from .models import HumanTask, ProcessInstance


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
    return problems
