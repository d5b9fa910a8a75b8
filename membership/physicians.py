"""Physicians and their member accounts (the full registration screens come with accounts work)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit
from .accounts import create_user
from .actors import Actor
from .db import utcnow
from .errors import ValidationFailed
from .models import Physician, UserAccount
from .registration import TERMS_VERSION


def register_physician(session: Session, actor: Actor | None, *, login_id: str, password: str, family_name: str,
                       given_name: str, family_kana: str = "", given_kana: str = "", registry_number: str | None = None,
                       email: str = "", birth_date: dt.date | None = None, sex: str = "",
                       set_up: bool = True) -> UserAccount:
    """A physician with a member account. Raises ValidationFailed (taken login ID or registry number)."""
    if registry_number and session.scalar(sa.select(Physician.id).where(Physician.registry_number == registry_number)):
        raise ValidationFailed.one("registry_number", "login_id_taken", value=registry_number)
    physician = Physician(family_name=family_name, given_name=given_name, family_kana=family_kana,
                          given_kana=given_kana, registry_number=registry_number, email=email,
                          birth_date=birth_date, sex=sex)
    session.add(physician)
    session.flush()
    account = create_user(session, login_id, password, "member", name=f"{family_name} {given_name}",
                          physician_id=physician.id, email=email, actor=actor)
    if set_up:
        # Created by an administrator or an import with known data: no first-login steps.
        account.terms_version = TERMS_VERSION
        account.terms_accepted_at = account.email_verified_at = utcnow()
    audit.record(session, actor, "physician.register", "physician", physician.id)
    return account
