"""User accounts: creation, password check with throttling, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import string

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from . import audit, fields
from .actors import ROLES, Actor
from .associations import by_code
from .errors import AuthenticationFailed, Throttled, ValidationFailed
from .fields import FieldError
from .models import ApiToken, LoginFailure, LoginSession, UserAccount

#: argon2id with the library's defaults (RFC 9106 "second recommended" parameters).
_hasher = PasswordHasher()
#: For the temporary passwords the system makes (`temporary_password`: 12 random characters of 67,
#: ≈ 73 bits, changed at first login): no guessing reaches them whatever the hash costs, so light
#: parameters (≈ 4 ms instead of ≈ 0.2 s) let an office issue hundreds of login notices in one
#: request. The first login rehashes with `_hasher` (check_needs_rehash). Decision 0030.
_temporary_hasher = PasswordHasher(time_cost=1, memory_cost=4096, parallelism=1)
_PW_ALPHABET = string.ascii_letters + string.digits + "!@%&#"

FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
THROTTLE_WINDOW = dt.timedelta(minutes=15)
TOKEN_LIFETIME = dt.timedelta(hours=12)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def temporary_password() -> tuple[str, str]:
    """A new temporary password meeting the password rule, and its hash: (password, hash)."""
    while True:
        password = "".join(secrets.choice(_PW_ALPHABET) for _ in range(12))
        try:
            fields.password(password)
        except FieldError:
            continue
        return password, _temporary_hasher.hash(password)


def create_user(session: Session, login_id: str, password: str, role: str, association_code: str | None = None,
                name: str = "", physician_id: int | None = None, email: str = "",
                actor: Actor | None = None, password_hash: str | None = None) -> UserAccount:
    """Raises ValidationFailed for a taken login ID, an unknown role or association. `password_hash`:
    already hashed (a temporary password)."""
    errors: dict[str, tuple[str, dict]] = {}
    if not login_id:
        errors["login_id"] = ("required", {})
    elif session.scalar(sa.select(UserAccount.id).where(sa.func.lower(UserAccount.login_id) == login_id.lower())):
        errors["login_id"] = ("login_id_taken", {"value": login_id})
    if not password:
        errors["password"] = ("required", {})
    if role not in ROLES:
        errors["role"] = ("unknown_role", {})
    association = None
    if association_code:
        association = by_code(session, association_code)
        if association is None:
            errors["association"] = ("unknown_association", {"code": association_code})
    elif role == "secretariat":
        errors["association"] = ("secretariat_needs_association", {})
    if errors:
        raise ValidationFailed(errors)
    account = UserAccount(login_id=login_id, password_hash=password_hash or hash_password(password), role=role,
                          association_id=association.id if association else None,
                          display_name=name or login_id, physician_id=physician_id, email=email)
    session.add(account)
    session.flush()
    audit.record(session, actor, "user.create", "user_account", account.id, role=role)
    return account


def _account_locked(session: Session, login_id: str, device: str = "") -> bool:
    """The account has had FAILURES_PER_ACCOUNT failures in the window (from `device` only, when
    one is given)."""
    on_account = [LoginFailure.login_id == login_id, LoginFailure.at >= _now() - THROTTLE_WINDOW]
    if device:
        on_account.append(LoginFailure.device == device)
    return session.scalar(sa.select(sa.func.count()).select_from(LoginFailure).where(
        *on_account)) >= FAILURES_PER_ACCOUNT


def _throttled(session: Session, login_id: str, address: str, device: str) -> bool:
    """Too many recent failures for this login. A known device (see `authenticate`) counts only
    its own failures for the account and is not held by its address's."""
    if _account_locked(session, login_id, device):
        return True
    if device:
        return False
    per_address = session.scalar(sa.select(sa.func.count()).select_from(LoginFailure).where(
        LoginFailure.address == address, LoginFailure.at >= _now() - THROTTLE_WINDOW))
    return per_address >= FAILURES_PER_ADDRESS


def authenticate(session: Session, login_id: str, password: str, address: str = "",
                 device: str = "") -> UserAccount:
    """Check a password. Raises Throttled after repeated failures, AuthenticationFailed otherwise.

    `device`: the id of a browser that has logged in to this very account before (the caller
    vouches for it: a signed cookie). Its attempts are throttled on their own — 5 failures lock
    the account on that browser only — and not by the address: an office behind one NAT address
    is not locked out by a colleague's (or an attacker's) failures, nor the owner by someone
    guessing their password elsewhere (the "device cookie" defence, decision 0011).

    A failure is recorded in the caller's transaction: the caller commits on both outcomes.
    """
    login_id = (login_id or "").strip()
    device = (device or "")[:32]
    if _throttled(session, login_id, address, device):
        raise Throttled(minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
    account = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == login_id))
    ok = False
    if account is not None and account.is_active:
        try:
            ok = _hasher.verify(account.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # Spend the same time on unknown accounts so timing does not reveal which IDs exist.
        try:
            _hasher.verify(_DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            pass
    if not ok:
        session.add(LoginFailure(login_id=login_id[:64], address=address[:64], device=device))
        raise AuthenticationFailed()
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    session.execute(sa.delete(LoginFailure).where(LoginFailure.login_id == login_id))
    account.last_login_at = _now()
    return account


_DUMMY_HASH = _hasher.hash("not-a-real-password")


def check_current_password(session: Session, account: UserAccount, password: str | None) -> None:
    """Re-authentication inside a session (changing the password or the mail address): throttled
    like logins — 5 failures lock the account for the window — so a borrowed session cannot guess
    the password at leisure. Raises Throttled, or ValidationFailed on `current_password` (the
    caller records it with `record_password_failure` after rolling its own work back)."""
    if _account_locked(session, account.login_id):
        raise Throttled(minutes=int(THROTTLE_WINDOW.total_seconds() // 60))
    if not password:  # nothing typed is not a guess: asked for, not counted
        raise ValidationFailed.one("current_password", "required")
    if not verify_password(account, password):
        raise ValidationFailed.one("current_password", "wrong_password")


def record_password_failure(session: Session, login_id: str, address: str = "") -> None:
    """A wrong current password, counted with the failed logins of the account."""
    session.add(LoginFailure(login_id=login_id[:64], address=address[:64], device=""))


def verify_password(account: UserAccount, password: str) -> bool:
    try:
        return _hasher.verify(account.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, account: UserAccount) -> str:
    """A new bearer token; only its SHA-256 is stored."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=account.id, token_hash=_digest(token), auth_epoch=account.auth_epoch,
                         expires_at=_now() + TOKEN_LIFETIME))
    return token


def revoke_token(session: Session, token: str) -> bool:
    """End a bearer token before its time (a client logging out, a token that leaked): it answers
    401 from then on. Whether there was such a token."""
    return bool(session.execute(sa.delete(ApiToken).where(ApiToken.token_hash == _digest(token))).rowcount)


#: What a request needs of the account behind a bearer token (for Actor.of and
#: registration.pending_step): columns, not an entity. Built once, run with two parameters.
_TOKEN_IDENTITY = sa.select(
    UserAccount.id, UserAccount.login_id, UserAccount.role, UserAccount.association_id, UserAccount.physician_id,
    UserAccount.display_name, UserAccount.terms_version, UserAccount.email_verified_at,
    UserAccount.must_change_credentials, UserAccount.lang,
).join(ApiToken, ApiToken.user_id == UserAccount.id).where(
    ApiToken.token_hash == sa.bindparam("digest"), ApiToken.expires_at >= sa.bindparam("now"),
    UserAccount.is_active.is_(True), UserAccount.auth_epoch == ApiToken.auth_epoch)


def identity_for_token(session: Session, token: str):
    """The live account of a bearer token as a read-only row with the UserAccount attribute
    names above, or None. One query on every API call, so no entity is built."""
    return session.connection().execute(_TOKEN_IDENTITY, {"digest": _digest(token), "now": _now()}).first()


def display_names(session: Session, user_ids) -> dict[int, str]:
    """{user id: display name} for the given accounts, in one query (a page of a list naming who
    holds each row) — one also when there are none, so that a page costs the same queries whoever
    holds its rows."""
    ids = {i for i in user_ids if i}
    return dict(session.execute(sa.select(UserAccount.id, UserAccount.display_name)
                                .where(UserAccount.id.in_(ids))).all())


def get_account(session: Session, user_id: int) -> UserAccount | None:
    return session.get(UserAccount, user_id)


def auth_epoch_of(session: Session, login_id: str) -> int | None:
    """The auth epoch of the account with `login_id` (None: no such account)."""
    return session.scalar(sa.select(UserAccount.auth_epoch).where(UserAccount.login_id == login_id))


def lang_of_physician(session: Session, physician_id: int | None) -> str:
    """The language of the physician's account ("ja" when none): the one their mails are written in."""
    return langs_of_physicians(session, [physician_id]).get(physician_id, "ja") if physician_id else "ja"


def langs_of_physicians(session: Session, physician_ids) -> dict[int, str]:
    """{physician id: their account's language} in one query, for mailing many (those without an
    account are left out: "ja")."""
    ids = [i for i in physician_ids if i is not None]
    if not ids:
        return {}
    with session.no_autoflush:
        return dict(session.execute(sa.select(UserAccount.physician_id, UserAccount.lang)
                                    .where(UserAccount.physician_id.in_(ids))).all())


def set_language(session: Session, account: UserAccount, lang: str) -> None:
    """The language chosen on the screens, remembered for the account's mails."""
    if lang in ("ja", "en") and account.lang != lang:
        account.lang = lang


def start_login_session(session: Session, account: UserAccount) -> str:
    """A new screen login for `account`: its id, which the session cookie carries."""
    sid = secrets.token_hex(16)
    session.add(LoginSession(id=sid, user_id=account.id))
    return sid


def end_login_session(session: Session, sid: str) -> None:
    """Logout: the login `sid` can no longer be used, whoever holds its cookie."""
    session.execute(sa.update(LoginSession).where(LoginSession.id == sid, LoginSession.ended_at.is_(None))
                    .values(ended_at=_now()))


#: a screen login begun this long ago is forgotten by the nightly purge (the browser logs in again)
LOGIN_SESSION_LIFETIME = dt.timedelta(days=30)


def purge_login_sessions(session: Session) -> int:
    """Forget logins that ended a day ago or began LOGIN_SESSION_LIFETIME ago (nightly)."""
    now = _now()
    return session.execute(sa.delete(LoginSession).where(sa.or_(
        LoginSession.ended_at < now - dt.timedelta(days=1),
        LoginSession.created_at < now - LOGIN_SESSION_LIFETIME))).rowcount


def account_in_session(session: Session, user_id: int, sid: str) -> UserAccount | None:
    """The account of a screen login that has not ended and began less than LOGIN_SESSION_LIFETIME
    ago (one query, as loading the account alone; not left to the nightly purge)."""
    return session.scalar(sa.select(UserAccount).join(LoginSession, LoginSession.user_id == UserAccount.id).where(
        UserAccount.id == user_id, LoginSession.id == sid, LoginSession.ended_at.is_(None),
        LoginSession.created_at > _now() - LOGIN_SESSION_LIFETIME))
