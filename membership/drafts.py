"""Drafts (一時保存): an application being composed, kept server-side so that it survives the
browser, holds its uploaded documents, and can be resumed from My Page.

A draft belongs to its applicant; a secretariat composing one for a member (利用規約 §5-5) owns
it too (`filed_by_user_id`). Nobody else sees it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit
from .actors import SYSTEM, Actor
from .db import is_postgresql, utcnow
from .errors import Conflict, NotFound
from .models import ApplicationDraft

KINDS = ("enrolment", "transfer")
#: the enrolment wizard's steps (choose, input, confirm) and the transfer's (form, confirm)
STEPS = ("choose", "input", "form", "confirm")


def _mine(actor: Actor):
    if actor.role == "secretariat":
        return ApplicationDraft.filed_by_user_id == actor.user_id
    return sa.and_(ApplicationDraft.applicant_user_id == actor.user_id, ApplicationDraft.filed_by_user_id.is_(None))


def start(session: Session, actor: Actor, kind: str, applicant_user_id: int,
          data: dict | None = None) -> ApplicationDraft:
    if kind not in KINDS:
        raise ValueError(kind)
    draft = ApplicationDraft(applicant_user_id=applicant_user_id, kind=kind, data=dict(data or {}),
                             filed_by_user_id=actor.user_id if actor.role == "secretariat" else None)
    session.add(draft)
    session.flush()
    return draft


def get(session: Session, actor: Actor, draft_id: int | None) -> ApplicationDraft:
    """Raises NotFound when missing or not the actor's."""
    draft = session.scalar(sa.select(ApplicationDraft).where(ApplicationDraft.id == draft_id, _mine(actor))) \
        if draft_id else None
    if draft is None:
        raise NotFound()
    return draft


def lock(session: Session, draft: ApplicationDraft) -> None:
    """Serialise what changes one draft's documents or files it (an upload, the filing): its row
    is locked on PostgreSQL (SQLite's BEGIN IMMEDIATE excludes every other writer already). Raises
    Conflict `draft_filed` when the draft is gone — filed or deleted meanwhile."""
    stmt = sa.select(ApplicationDraft.id).where(ApplicationDraft.id == draft.id)
    if is_postgresql(session):
        stmt = stmt.with_for_update()
    if session.scalar(stmt) is None:
        raise Conflict("draft_filed")


def update(session: Session, draft: ApplicationDraft, step: str | None = None, **values) -> ApplicationDraft:
    """Record values in the draft. Raises Conflict `draft_filed` when it was filed or deleted
    meanwhile (another tab): the step is lost, said so, instead of an update that finds no row."""
    lock(session, draft)
    data = dict(draft.data or {})
    data.update(values)
    draft.data = data
    if step in STEPS:
        draft.step = step
    draft.updated_at = utcnow()
    return draft


def save(session: Session, actor: Actor, draft: ApplicationDraft, step: str | None = None, **values) -> None:
    """一時保存: keep what was entered (unchecked) and list the draft on My Page."""
    update(session, draft, step, **values)
    draft.saved_at = draft.updated_at
    audit.record(session, actor, "draft.save", "application_draft", draft.id, step=draft.step)


def saved_drafts(session: Session, actor: Actor) -> list[ApplicationDraft]:
    return list(session.scalars(sa.select(ApplicationDraft).where(_mine(actor), ApplicationDraft.saved_at.is_not(None))
                                .order_by(ApplicationDraft.updated_at.desc())))


def discard(session: Session, actor: Actor, draft_id: int, root: Path) -> None:
    """Delete a draft and its uploaded files (the files after the commit). Raises NotFound."""
    from . import uploads

    draft = get(session, actor, draft_id)
    for doc in uploads.of_draft(session, draft):
        uploads.remove_from_draft(session, actor, draft, doc.id, root)
    session.delete(draft)
    audit.record(session, actor, "draft.delete", "application_draft", draft_id)


#: a draft never kept with 一時保存 (the wizard was left) and untouched this long is deleted, its files too
ABANDONED_AFTER = dt.timedelta(days=7)
PURGE_BATCH = 500


def purge_abandoned(session: Session, root: Path, now: dt.datetime | None = None) -> int:
    """Beat job: delete wizards left without 一時保存 (never listed on My Page, so nobody could
    resume or delete them) and their uploaded files, PURGE_BATCH at a time; the files go after the
    commit. Saved drafts stay until their owner deletes or files them. Returns how many."""
    from . import uploads

    cutoff = (now or utcnow()) - ABANDONED_AFTER
    stale = list(session.scalars(sa.select(ApplicationDraft).where(
        ApplicationDraft.saved_at.is_(None), ApplicationDraft.updated_at < cutoff)
        .order_by(ApplicationDraft.id).limit(PURGE_BATCH)))
    for draft in stale:
        for doc in uploads.of_draft(session, draft):
            uploads.remove_from_draft(session, SYSTEM, draft, doc.id, root)
        session.delete(draft)
    if stale:
        audit.record(session, None, "draft.purge", "application_draft", None, count=len(stale))
    return len(stale)
