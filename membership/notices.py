"""お知らせ (notices): admins write for everyone (login page and every My Page); a secretariat
writes for the members of its own association (their My Page). Each is shown from one date,
optionally until another."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit, fields
from .actors import Actor
from .errors import Forbidden, NotFound, ValidationFailed
from .models import Membership, Notice
from .statuses import MembershipStatus

MAX_TITLE = 100
MAX_BODY = 2000


def _current(today: dt.date):
    return sa.and_(Notice.publish_from <= today,
                   sa.or_(Notice.publish_until.is_(None), Notice.publish_until >= today))


def _date(value, field: str, errors: dict, required: bool) -> dt.date | None:
    try:
        day = fields.date(value, optional=True, past=False)  # 2027/04/01, 令和9年4月1日…
    except fields.FieldError as exc:
        errors[field] = (exc.key, exc.params)
        return None
    if day is None and required:
        errors[field] = ("required", {})
    return day


def _clean(title, body, publish_from, publish_until) -> dict:
    """A notice's fields checked, every bad one named. Raises ValidationFailed."""
    errors: dict[str, tuple[str, dict]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ("required", {})
    elif len(title) > MAX_TITLE:
        errors["title"] = ("too_long", {"max": MAX_TITLE})
    try:
        body = fields.multiline(body, MAX_BODY)
    except fields.FieldError as exc:
        errors["body"], body = (exc.key, exc.params), ""
    start = _date(publish_from, "publish_from", errors, required=True)
    end = _date(publish_until, "publish_until", errors, required=False)
    if start and end and end < start:
        errors["publish_until"] = ("date_before_start", {})
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "body": body, "publish_from": start, "publish_until": end}


def create(session: Session, actor: Actor, title: str | None, body: str | None, publish_from, publish_until=None,
           today: dt.date | None = None) -> Notice:
    """Raises Forbidden (not staff), ValidationFailed (naming the fields)."""
    if actor.role not in ("admin", "secretariat"):
        raise Forbidden()
    clean = _clean(title, body, publish_from, publish_until)
    notice = Notice(association_id=actor.association_id if actor.role == "secretariat" else None,
                    created_by_user_id=actor.user_id or None, **clean)
    session.add(notice)
    session.flush()
    audit.record(session, actor, "notice.create", "notice", notice.id)
    return notice


def update(session: Session, actor: Actor, notice_id: int, title: str | None, body: str | None, publish_from,
           publish_until=None) -> Notice:
    """Correct a notice (a typo, its period) without deleting it. Raises NotFound (not the actor's
    to manage), ValidationFailed."""
    notice = session.get(Notice, notice_id)
    if notice is None or not _may_manage(actor, notice):
        raise NotFound()
    clean = _clean(title, body, publish_from, publish_until)
    changed = sorted(k for k, v in clean.items() if getattr(notice, k) != v)
    for name in changed:
        setattr(notice, name, clean[name])
    if changed:
        audit.record(session, actor, "notice.update", "notice", notice.id, fields=changed)
    return notice


def get(session: Session, actor: Actor, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or not _may_manage(actor, notice):
        raise NotFound()
    return notice


def delete(session: Session, actor: Actor, notice_id: int) -> None:
    notice = session.get(Notice, notice_id)
    if notice is None or not _may_manage(actor, notice):
        raise NotFound()
    session.delete(notice)
    # the trail keeps what was deleted (the row itself goes)
    audit.record(session, actor, "notice.delete", "notice", notice_id, title=notice.title,
                 publish_from=notice.publish_from.isoformat())


def _may_manage(actor: Actor, notice: Notice) -> bool:
    if actor.role == "admin":
        return notice.association_id is None
    return actor.role == "secretariat" and notice.association_id == actor.association_id


def managed_by(session: Session, actor: Actor) -> list[Notice]:
    if actor.role == "admin":
        cond = Notice.association_id.is_(None)
    elif actor.role == "secretariat":
        cond = Notice.association_id == actor.association_id
    else:
        return []
    return list(session.scalars(sa.select(Notice).where(cond).order_by(Notice.publish_from.desc(), Notice.id.desc())))


def public(session: Session, today: dt.date) -> list[Notice]:
    """For the login page: the current system-wide notices."""
    return list(session.scalars(sa.select(Notice).where(Notice.association_id.is_(None), _current(today))
                                .order_by(Notice.publish_from.desc(), Notice.id.desc())))


def for_member(session: Session, actor: Actor, today: dt.date, past: bool = False) -> list[Notice]:
    """For My Page: the current system-wide notices and those of the member's associations; with
    `past`, the archive (お知らせ一覧): every one published so far, ended ones too, the newest
    ARCHIVE_LIMIT."""
    mine = sa.select(Membership.association_id).where(Membership.physician_id == actor.physician_id,
                                                      Membership.status == MembershipStatus.ACTIVE)
    when = Notice.publish_from <= today if past else _current(today)
    stmt = (sa.select(Notice).options(selectinload(Notice.association)).where(
        when, sa.or_(Notice.association_id.is_(None), Notice.association_id.in_(mine)))
        .order_by(Notice.publish_from.desc(), Notice.id.desc()))
    return list(session.scalars(stmt.limit(ARCHIVE_LIMIT) if past else stmt))


#: お知らせ一覧 lists this many, newest first
ARCHIVE_LIMIT = 100
