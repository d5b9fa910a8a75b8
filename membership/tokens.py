"""Single-use, expiring links sent by mail. Only the SHA-256 of a token is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import LinkInvalid
from .models import OneTimeToken

LIFETIMES = {
    "register": dt.timedelta(hours=24),
    "verify_email": dt.timedelta(hours=24),
    "reset_password": dt.timedelta(hours=24),
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, purpose: str, *, user_id: int | None = None, email: str = "") -> str:
    """A new token for `purpose`; earlier unused tokens of the same user and purpose stop working."""
    if user_id is not None:
        revoke(session, user_id, purpose)
    token = secrets.token_urlsafe(32)
    session.add(OneTimeToken(purpose=purpose, token_hash=digest(token), user_id=user_id, email=email,
                             expires_at=utcnow() + LIFETIMES[purpose]))
    session.flush()
    return token


def revoke(session: Session, user_id: int, purpose: str) -> None:
    """The user's unused links for `purpose` stop working (e.g. reset links once the password or the
    address they were mailed to has changed)."""
    session.execute(sa.update(OneTimeToken).where(
        OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow()))


def peek(session: Session, purpose: str, token: str | None) -> OneTimeToken:
    """The token's row if it can still be used. Raises LinkInvalid (link_invalid / link_expired / link_used)."""
    if not token or len(token) > 100:
        raise LinkInvalid()
    row = session.scalar(sa.select(OneTimeToken).where(OneTimeToken.token_hash == digest(token),
                                                       OneTimeToken.purpose == purpose))
    if row is None:
        raise LinkInvalid()
    if row.used_at is not None:
        raise LinkInvalid("link_used")
    if row.expires_at < utcnow():
        raise LinkInvalid("link_expired")
    return row


def consume(session: Session, purpose: str, token: str | None) -> OneTimeToken:
    """Use the token once: of two concurrent uses, the second raises LinkInvalid("link_used")."""
    row = peek(session, purpose, token)
    done = session.execute(sa.update(OneTimeToken).where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
                           .values(used_at=utcnow()))
    if done.rowcount != 1:
        raise LinkInvalid("link_used")
    session.refresh(row)
    return row


def forget_kept(session: Session) -> int:
    """Beat job: expired links keep no password hash (a registration confirmed and never finished)."""
    return session.execute(sa.update(OneTimeToken).where(
        OneTimeToken.kept_hash.is_not(None), OneTimeToken.expires_at < utcnow()).values(kept_hash=None)).rowcount
