"""Staff accounts (事務局・プロセス設計者・システム管理者), kept by the administrators: listed by
association and role, created with a temporary password to change at first login, suspended and
restored with a reason, and given a new temporary password when one is forgotten."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit, fields, search
from .accounts import create_user, temporary_password
from .actors import Actor
from .db import utcnow
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import FieldError
from .models import Association, UserAccount

STAFF_ROLES = {"secretariat": "事務局", "designer": "プロセス設計者", "admin": "システム管理者"}


def _admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise Forbidden()


def list_staff(session: Session, actor: Actor, association: str = "", role: str = "", q: str = "") -> list[UserAccount]:
    """Staff accounts by association and login ID; filters on association code, role and a search
    on login ID or name."""
    _admin(actor)
    stmt = sa.select(UserAccount).outerjoin(Association, Association.id == UserAccount.association_id).where(
        UserAccount.role.in_(STAFF_ROLES)).options(selectinload(UserAccount.association))
    if association:
        stmt = stmt.where(Association.code == association)
    if role in STAFF_ROLES:
        stmt = stmt.where(UserAccount.role == role)
    for term in fields.halfwidth(q).split():
        like = search.contains(term)
        stmt = stmt.where(sa.or_(UserAccount.login_id.like(like, escape=search.ESCAPE),
                                 UserAccount.display_name.like(like, escape=search.ESCAPE)))
    return list(session.scalars(stmt.order_by(Association.layer.nulls_first(), Association.id, UserAccount.login_id)))


def create_staff(session: Session, actor: Actor, data: dict) -> tuple[UserAccount, str]:
    """A staff account with a temporary password (returned once, to hand over; changed at first
    login). Raises ValidationFailed naming the field."""
    _admin(actor)
    errors: dict[str, tuple[str, dict]] = {}
    try:
        login_id = fields.login_id(data.get("login_id"))
    except FieldError as exc:
        errors["login_id"] = (exc.key, exc.params)
        login_id = ""
    try:
        name = fields.text(data.get("name"), 100, optional=False)
    except FieldError as exc:
        errors["name"] = (exc.key, exc.params)
        name = ""
    role = data.get("role", "")
    if role not in STAFF_ROLES:
        errors["role"] = ("choose_from_list", {})
    email = ""
    if (data.get("email") or "").strip():
        try:
            email = fields.email(data.get("email"))
        except FieldError as exc:
            errors["email"] = (exc.key, exc.params)
    code = (data.get("association") or "").strip() if role == "secretariat" else ""
    if errors:
        raise ValidationFailed(errors, context="staff")
    password, password_hash = temporary_password()
    account = create_user(session, login_id, password, role, association_code=code or None, name=name, email=email,
                          actor=actor, password_hash=password_hash)
    account.must_change_credentials = True
    return account, password


def _staff_account(session: Session, user_id: int) -> UserAccount:
    account = session.get(UserAccount, user_id)
    if account is None or account.role not in STAFF_ROLES:
        raise NotFound()
    return account


def reissue_password(session: Session, actor: Actor, user_id: int) -> tuple[UserAccount, str]:
    """A new temporary password for a staff user who forgot theirs; their sessions end."""
    _admin(actor)
    account = _staff_account(session, user_id)
    password, account.password_hash = temporary_password()
    account.must_change_credentials = True
    account.auth_epoch = (account.auth_epoch or 0) + 1
    audit.record(session, actor, "credentials.reissue", "user_account", account.id)
    return account, password


def set_active(session: Session, actor: Actor, user_id: int, active: bool, reason: str = "") -> UserAccount:
    """Suspend (with the reason) or restore a staff account. An administrator cannot suspend
    themself (someone must be left to restore accounts). Raises ValidationFailed."""
    _admin(actor)
    account = _staff_account(session, user_id)
    if not active:
        if account.id == actor.user_id:
            raise ValidationFailed.one("account", "not_yourself")
        try:
            reason = fields.text(reason, 200, optional=False)
        except FieldError as exc:
            raise ValidationFailed.one("reason", exc.key, **exc.params) from None
        account.is_active, account.disabled_at, account.disabled_reason = False, utcnow(), reason
        account.auth_epoch = (account.auth_epoch or 0) + 1
        audit.record(session, actor, "account.disable", "user_account", account.id, reason=reason)
    elif not account.is_active:
        account.is_active, account.disabled_at, account.disabled_reason = True, None, ""
        audit.record(session, actor, "account.enable", "user_account", account.id)
    return account
