"""The audit trail: one row per state change, with who acted and for whom; and its search for the
administrators (who did what to which object, when).

Rows are collected on the session and written with one multi-row INSERT when the session next
flushes (see `install`), instead of one ORM object and INSERT each: a step writes several.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, aliased

from .actors import Actor
from .db import utcnow
from .errors import Forbidden, ValidationFailed
from .fields import FieldError, halfwidth, jst_day_start, parse_int
from .fields import date as parse_date
from .models import ApplicationPart, Association, AuditEvent, FormerLoginId, UserAccount

PENDING_KEY = "mamis_pending_audit"
_INSERT = sa.insert(AuditEvent).returning(AuditEvent.id)


def record(session: Session, actor: Actor | None, action: str, object_type: str, object_id,
           on_behalf_of_user_id: int | None = None, **detail) -> None:
    """`object_id`: an id, or the object itself when it is new (its id is read at the flush)."""
    session.info.setdefault(PENDING_KEY, []).append({
        "at": utcnow(),
        "actor_user_id": actor.user_id if actor and actor.user_id else None,
        "on_behalf_of_user_id": on_behalf_of_user_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
    })


def _write_pending(session: Session, *_args) -> None:
    rows = session.info.pop(PENDING_KEY, None)
    if rows:
        for row in rows:
            if row["object_id"] is not None and not isinstance(row["object_id"], int):
                row["object_id"] = row["object_id"].id  # an object that was new when recorded
        # One INSERT … VALUES (…), (…) statement: with RETURNING, SQLAlchemy sends an executemany
        # as one multi-row INSERT ("insertmanyvalues") instead of the driver's executemany, which
        # costs more round trips; and unlike .values(rows), the statement's compilation is cached.
        session.connection().execute(_INSERT, rows)


def flush(session: Session) -> None:
    """Write the pending rows now: before a savepoint that may roll back (a savepoint's rollback
    drops every pending row, see install), or where nothing else will be flushed."""
    _write_pending(session)


def _before_commit(session: Session) -> None:
    if session.info.get(PENDING_KEY) and (session.new or session.dirty or session.deleted):
        session.flush()  # the rows go with it (after_flush), with the ids of what it inserted
    _write_pending(session)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Write pending audit rows at the end of every flush (after its INSERTs: an object recorded
    while new has its id then) and before every commit (a session with nothing else to flush has
    no flush), and drop them on rollback. Idempotent."""
    if not event.contains(Session, "after_flush", _write_pending):
        event.listen(Session, "after_flush", _write_pending)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _forget_pending)


install()


# --- the search (administrators) ------------------------------------------------------------------

#: The families of actions (the part before the dot) that the code records, as the screen offers them.
ACTION_FAMILIES = {
    "application": "申請", "part": "医師会ごとの審査", "task": "タスク", "bulk": "一括承認", "membership": "会員資格",
    "instance": "プロセスの実行", "process": "プロセス定義", "document": "提出書類", "draft": "下書き",
    "registration": "利用者登録", "terms": "利用規約", "email": "メールアドレス", "password": "パスワード",
    "credentials": "ログインID・パスワード", "login_id": "ログインID", "account": "アカウント", "user": "利用者",
    "profile": "登録情報",
    "physician": "医師", "members": "会員データ", "credits": "単位", "certificate": "認定証", "session": "研修会",
    "category": "会員区分", "association": "医師会", "benefit": "保険・年金",
    "notice": "お知らせ", "closed_day": "休業日", "digest": "日次のお知らせメール", "audit": "操作履歴",
}
#: The kinds of objects the rows name.
OBJECT_TYPES = {
    "application": "申請", "application_part": "医師会ごとの審査", "application_draft": "下書き",
    "human_task": "タスク", "bulk_run": "一括承認", "membership": "会員資格", "process_instance": "プロセスの実行",
    "process_definition": "プロセス定義", "process_draft": "プロセス定義の下書き", "document": "提出書類",
    "user_account": "アカウント", "one_time_token": "確認用のリンク", "physician": "医師", "credit_entry": "単位",
    "certificate": "認定証", "training_session": "研修会", "notice": "お知らせ", "association": "医師会",
    "member_category": "会員区分", "benefit_status": "保険・年金",
}
#: the words for an event's details (its keys as recorded stay beside them, for searching)
DETAIL_LABELS = {
    "reason": "理由", "key": "キー", "comment": "コメント", "rows": "行数", "count": "件数", "code": "コード",
    "total": "合計", "physician_id": "医師", "number": "番号", "kind": "種類", "fields": "項目", "was": "変更前",
    "version": "版", "told": "通知先", "to_user_id": "担当者", "to_association_id": "通知先の医師会", "target": "対象",
    "step": "段階", "status": "状態", "stage": "段階", "role": "権限", "revision": "改訂", "position": "順番",
    "on_date": "日付", "note_id": "メモ", "layer": "層", "filters": "条件", "due_at": "期限", "decision": "判断",
    "day": "日付", "created": "作成", "changed": "変更", "association_id": "医師会", "association": "医師会",
    "application_id": "申請番号", "new": "新着", "overdue": "期限超過", "added": "追加", "to_applicant": "申請者へ送信",
    "jma_member_id": "日医会員番号", "registration_id": "申込み", "attendees": "受講者", "done": "処理済み",
    "draft_id": "下書き", "physician_ids": "医師", "format": "形式", "task_ids": "タスク",
    "part_id": "医師会ごとの審査",
}
PER_PAGE = 50
_NAME = re.compile(r"[a-z_]+")


@dataclass
class AuditQuery:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    login_id: str = ""
    action: str = ""  # a family ("task") or one action ("task.complete")
    object_type: str = ""
    object_id: int | None = None
    before: int | None = None  # the next page: rows older than this one

    def as_dict(self) -> dict[str, str]:
        """The values set, as strings (for links), the page aside."""
        return {f.name: (v.isoformat() if isinstance(v, dt.date) else str(v)) for f in fields(self)
                if (v := getattr(self, f.name)) not in (None, "") and f.name != "before"}


def parse_query(args) -> AuditQuery:
    """An AuditQuery from request arguments. Raises ValidationFailed naming every bad one."""
    errors: dict[str, tuple[str, dict]] = {}
    q = AuditQuery()
    for name in ("date_from", "date_to"):
        try:
            setattr(q, name, parse_date(args.get(name) or "", optional=True, past=False))
        except FieldError as exc:
            errors[name] = (exc.key, exc.params)
    q.login_id = halfwidth(args.get("login_id") or "")[:100]
    action = (args.get("action") or "").strip()
    if action and not (action in ACTION_FAMILIES or (_NAME.fullmatch(action.replace(".", "", 1))
                                                      and action.split(".")[0] in ACTION_FAMILIES)):
        errors["action"] = ("choose_from_list", {})
    q.action = action
    object_type = (args.get("object_type") or "").strip()
    if object_type and object_type not in OBJECT_TYPES:
        errors["object_type"] = ("choose_from_list", {})
    q.object_type = object_type
    for name in ("object_id", "before"):
        raw = halfwidth(args.get(name) or "")
        if raw:
            number = parse_int(raw, 0, 10**9)
            if number is None:
                errors[name] = ("invalid", {})
            else:
                setattr(q, name, number)
    if q.date_from and q.date_to and q.date_from > q.date_to:
        errors["date_to"] = ("date_range_order", {})
    if errors:
        raise ValidationFailed(errors, context="audit")
    return q


_ACTOR, _FOR = aliased(UserAccount), aliased(UserAccount)
#: a row of the search: the event's columns, and the logins and names of who acted and for whom
COLUMNS = (AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
           AuditEvent.detail, _ACTOR.login_id.label("actor_login"), _ACTOR.display_name.label("actor_name"),
           _FOR.login_id.label("for_login"), _FOR.display_name.label("for_name"))


def _statement(q: AuditQuery, limit: int | None = None):
    """The matching rows, newest first by id (ids follow the order rows were written), at most
    `limit`, older than `q.before` if given.

    A login ID asks for everything about one person: what they did, what was done for them, and
    what was done to their account and their physician record. Each of the four is read on its
    own from its index, newest first and cut at `limit`, and their ids merged: with an OR,
    PostgreSQL would read the trail backwards until it had found a page (a person seldom seen:
    the whole table, ¾ s at 3,000,000 rows)."""
    conditions = []
    if q.date_from:
        conditions.append(AuditEvent.at >= jst_day_start(q.date_from))
    if q.date_to:
        conditions.append(AuditEvent.at < jst_day_start(q.date_to + dt.timedelta(days=1)))
    if q.action in ACTION_FAMILIES:
        conditions.append(AuditEvent.action.like(q.action + ".%"))
    elif q.action:
        conditions.append(AuditEvent.action == q.action)
    if q.object_type:
        conditions.append(AuditEvent.object_type == q.object_type)
    if q.object_id is not None:
        conditions.append(AuditEvent.object_id == q.object_id)
    if q.before is not None:
        conditions.append(AuditEvent.id < q.before)
    if q.login_id:
        # the account with that login ID now — or, if none has it, the one that had it before (the
        # ID printed on a login notice is replaced at the first login)
        user = sa.func.coalesce(
            sa.select(UserAccount.id).where(UserAccount.login_id == q.login_id).scalar_subquery(),
            sa.select(FormerLoginId.user_id).where(FormerLoginId.login_id == q.login_id)
            .order_by(FormerLoginId.id.desc()).limit(1).scalar_subquery())
        physician = sa.select(UserAccount.physician_id).where(UserAccount.id == user).scalar_subquery()
        parts = [AuditEvent.actor_user_id == user, AuditEvent.on_behalf_of_user_id == user,
                 sa.and_(AuditEvent.object_type == "user_account", AuditEvent.object_id == user),
                 sa.and_(AuditEvent.object_type == "physician", AuditEvent.object_id == physician)]
        ids = sa.union(*(sa.select(AuditEvent.id).where(part, *conditions).order_by(AuditEvent.id.desc())
                         .limit(limit).subquery().select() for part in parts))
        conditions = [AuditEvent.id.in_(ids)]
    stmt = (sa.select(*COLUMNS).outerjoin(_ACTOR, _ACTOR.id == AuditEvent.actor_user_id)
            .outerjoin(_FOR, _FOR.id == AuditEvent.on_behalf_of_user_id)
            .where(*conditions).order_by(AuditEvent.id.desc()))
    return stmt.limit(limit) if limit is not None else stmt


def _require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden()


def search(session: Session, actor: Actor, q: AuditQuery, per_page: int = PER_PAGE) -> tuple[list, int | None]:
    """One page of matching rows, newest first, and the `before` of the next page (None at the
    end). Pages are cut at an id rather than an offset: the trail only grows, and a deep page costs
    what the first one does. Administrators only (raises Forbidden)."""
    _require_admin(actor)
    rows = session.execute(_statement(q, per_page + 1)).all()
    return rows[:per_page], (rows[per_page - 1].id if len(rows) > per_page else None)


def readable(session: Session, rows) -> tuple[dict[int, dict], dict[int, int]]:
    """What a page of rows names by id, in words, for people: ({row id: its details with every
    `…user_id` as the login ID and `association_id` as the association's name}, {application part
    id: its application's number}). Three queries at most, whatever the page's length."""

    user_ids = {v for r in rows for k, v in (r.detail or {}).items() if k.endswith("user_id") and isinstance(v, int)}
    association_ids = {v for r in rows for k, v in (r.detail or {}).items()
                       if k == "association_id" and isinstance(v, int)}
    part_ids = {r.object_id for r in rows if r.object_type == "application_part" and r.object_id is not None}
    logins = dict(session.execute(sa.select(UserAccount.id, UserAccount.login_id)
                                  .where(UserAccount.id.in_(user_ids))).all()) if user_ids else {}
    names = dict(session.execute(sa.select(Association.id, Association.name)
                                 .where(Association.id.in_(association_ids))).all()) if association_ids else {}
    parts = dict(session.execute(sa.select(ApplicationPart.id, ApplicationPart.application_id)
                                 .where(ApplicationPart.id.in_(part_ids))).all()) if part_ids else {}

    def word(key, value):
        if key.endswith("user_id") and value in logins:
            return logins[value]
        if key == "association_id" and value in names:
            return names[value]
        return value

    return {r.id: {k: word(k, v) for k, v in (r.detail or {}).items()} for r in rows}, parts


def export_rows(session: Session, actor: Actor, q: AuditQuery, batch: int = 1000):
    """Every matching row, newest first, as an iterator that reads them in batches (a server-side
    cursor on PostgreSQL). The export itself is recorded now (who took which part of the trail
    away): commit before reading the rows. Administrators only (raises Forbidden)."""
    _require_admin(actor)
    record(session, actor, "audit.export", "audit", None, filters=q.as_dict())
    flush(session)
    return _in_batches(session, _statement(replace(q, before=None)), batch)


def _in_batches(session: Session, stmt, batch: int):
    for rows in session.execute(stmt.execution_options(yield_per=batch)).partitions():
        yield from rows
