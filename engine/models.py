"""The engine's tables, on the domain's metadata so one migration history covers both."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from membership.db import Base, JSONType, utcnow

#: the longest note a process version carries
NOTE_MAX = 500


class ProcessDefinition(Base):
    """One deployed, immutable version of one BPMN/DMN file."""

    __tablename__ = "process_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the id of the file's executable process (or decision)
    key: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(200))
    xml: Mapped[str] = mapped_column(sa.Text)
    #: keys of the call activities' processes; resolved to versions when an instance starts
    calls: Mapped[list] = mapped_column(JSONType, default=list)
    deployed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deployed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    #: the designer's note on what this version changes and why (版のメモ), as Camunda's version tag
    note: Mapped[str] = mapped_column(sa.String(NOTE_MAX), default="", server_default="")

    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_process_definitions_key_version"),)


class ProcessInstance(Base):
    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definitions.id"), index=True)
    #: {key: definition id} of every process this instance runs (its own and the called ones)
    definition_ids: Mapped[dict] = mapped_column(JSONType, default=dict)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    #: running / completed / cancelled
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    state: Mapped[dict] = mapped_column(JSONType)
    #: incremented by every change: the optimistic guard on top of the row lock
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[dt.datetime | None]
    #: the earliest pending timer event (naive UTC), for the beat job that fires due timers
    timer_due_at: Mapped[dt.datetime | None] = mapped_column(index=True)

    definition: Mapped[ProcessDefinition] = relationship()


class HumanTask(Base):
    """A READY user task, materialised after every engine step. The inbox reads only this table."""

    __tablename__ = "human_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: indexed by the unique key (instance_id, spiff_task_id)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instances.id"))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    bpmn_id: Mapped[str] = mapped_column(sa.String(100))
    process_key: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    #: review / amend (the `kind` extension property)
    kind: Mapped[str] = mapped_column(sa.String(20))
    form_key: Mapped[str] = mapped_column(sa.String(60), default="")
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    layer: Mapped[int | None] = mapped_column(sa.SmallInteger)
    assignee_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    #: open / completed / cancelled
    status: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    due_at: Mapped[dt.datetime | None]
    claimed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    completed_at: Mapped[dt.datetime | None]
    completed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The application summary, copied when the task is created, so that the inbox filters and
    # sorts on this table alone: application kind, and the applicant's name, kana and 医籍登録番号.
    application_kind: Mapped[str] = mapped_column(sa.String(20), default="")
    applicant_name: Mapped[str] = mapped_column(sa.String(70), default="")
    applicant_kana: Mapped[str] = mapped_column(sa.String(130), default="")
    applicant_registry: Mapped[str] = mapped_column(sa.String(6), default="")
    #: 申請元: the association the application came from — its lowest part (the city or district a
    #: member applied through), a session's organiser — which the upper layers filter on
    origin_association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    #: set when a boundary timer escalated the overdue review to the next layer's secretariat,
    #: who may then read the task (not work it)
    escalated_at: Mapped[dt.datetime | None]
    escalated_to_association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    #: a review of an application its applicant amended and filed again after a return (再提出)
    resubmitted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    #: set when the task is created, so that a new instance needs no flush for its id first
    instance: Mapped[ProcessInstance] = relationship()

    __table_args__ = (
        sa.Index("ix_human_tasks_association_status", "association_id", "status", "created_at"),
        sa.Index("ix_human_tasks_association_status_due", "association_id", "status", "due_at"),
        sa.Index("ix_human_tasks_claimed_status", "claimed_by_user_id", "status"),
        sa.Index("ix_human_tasks_assignee_status", "assignee_user_id", "status"),
        sa.Index("ix_human_tasks_escalated_status", "escalated_to_association_id", "status"),
        sa.Index("ix_human_tasks_association_status_origin", "association_id", "status", "origin_association_id"),
        # the dashboard across every office (JMA): open tasks by kind, layer and age, and the
        # completions of recent weeks, each read from a small index instead of the whole table
        # (with what its headline figures read: due date, claimant and office, creation time; 0016)
        sa.Index("ix_human_tasks_open_summary", "kind", "application_kind", "layer", "created_at", "due_at",
                 "claimed_by_user_id", "association_id",
                 postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'")),
        sa.Index("ix_human_tasks_completed_at", "completed_at", "kind", "created_at",
                 postgresql_where=sa.text("status = 'completed'"), sqlite_where=sa.text("status = 'completed'")),
        sa.UniqueConstraint("instance_id", "spiff_task_id", name="uq_human_tasks_instance_spiff_task"),
    )


class SavedFilter(Base):
    """An inbox filter a user saved under a name (per user)."""

    __tablename__ = "saved_filters"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    query: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_filters_user_name"),)


class TaskEvent(Base):
    """History of a human task: claim, unclaim, reassignment, take-over (with the reason)."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("human_tasks.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    #: claim / unclaim / reassign / take_over
    kind: Mapped[str] = mapped_column(sa.String(20))
    to_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")


class BulkRun(Base):
    """A bulk decision (a board meeting's approvals): the chosen tasks, worked one transaction each
    in the background, with its progress (decision 0021). `position` is the next item to work."""

    __tablename__ = "bulk_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    decision: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    total: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    succeeded: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    #: queued / running / finished / cancelled (stopped by the office; the rest stays unworked)
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: moved by every item worked: a run left unfinished and quiet is resumed by the beat
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    __table_args__ = (sa.Index("ix_bulk_runs_status_updated", "status", "updated_at"),
                      sa.Index("ix_bulk_runs_association", "association_id", "id"))


class BulkRunItem(Base):
    """One task of a bulk run, in the order chosen, and what became of it."""

    __tablename__ = "bulk_run_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("bulk_runs.id"))
    position: Mapped[int]
    #: as given: an id that names no task (or none in scope) fails as not found
    task_id: Mapped[int]
    #: pending / ok / failed
    outcome: Mapped[str] = mapped_column(sa.String(10), default="pending")
    #: {code, key, params, fields, context}: the domain error, rendered in the reader's language
    error: Mapped[dict | None] = mapped_column(JSONType)
    done_at: Mapped[dt.datetime | None]

    __table_args__ = (sa.UniqueConstraint("run_id", "position", name="uq_bulk_run_items_run_position"),)


class ProcessDraft(Base):
    """The process a designer is editing: saved as often as they like, validated at every save,
    deployable only when it has no problems. One draft per process key, shared by the designers
    (the revision makes a save over someone else's newer save fail instead of overwriting it)."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    xml: Mapped[str] = mapped_column(sa.Text)
    #: the deployed version the draft was opened from (None for a new process)
    base_version: Mapped[int | None]
    revision: Mapped[int] = mapped_column(default=1)
    #: the validation result of the saved XML: [{element, key, params}]
    problems: Mapped[list] = mapped_column(JSONType, default=list)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    saved_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
