"""Member categories (会員区分) as each association's own data (SPEC §1): its secretariat — or an
administrator — adds, rewords, reorders and retires them. A category in use is never deleted:
retired, it is no longer offered to applications and stays on the memberships that have it.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit
from .actors import Actor
from .associations import holds_members
from .db import serialise, utcnow
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import FieldError, halfwidth, multiline, text
from .models import Association, MemberCategory

_CODE = re.compile(r"[A-Za-z0-9()\-_.]{1,20}")


def association_for(session: Session, actor: Actor, code: str) -> Association:
    """The association whose categories `actor` may manage: an admin any, a secretariat its own.
    Raises NotFound, Forbidden."""
    association = session.scalar(sa.select(Association).where(Association.code == code))
    if association is None:
        raise NotFound()
    if not holds_members(association):  # a body that only organises training has no members
        raise Forbidden()
    if actor.role == "admin" or (actor.is_secretariat and actor.association_id == association.id):
        return association
    raise Forbidden()


def list_categories(session: Session, actor: Actor, code: str) -> tuple[Association, list[MemberCategory]]:
    """Every category of the association, retired ones too (last), in the order offered."""
    association = association_for(session, actor, code)
    return association, list(session.scalars(sa.select(MemberCategory).where(
        MemberCategory.association_id == association.id).order_by(
        MemberCategory.retired_at.is_not(None), MemberCategory.sort_order, MemberCategory.id)))


def _clean(data: dict, errors: dict) -> dict:
    out = {}
    for field, maximum, optional in (("label", 100, False), ("criteria", 1000, True)):
        try:
            check = multiline if field == "criteria" else text
            out[field] = check(data.get(field), maximum, optional=optional)
        except FieldError as exc:
            errors[field] = (exc.key, exc.params)
    return out


def add_category(session: Session, actor: Actor, code: str, data: dict) -> MemberCategory:
    """A new category, offered last. Raises ValidationFailed naming the field (a code already
    used by the association, retired or not, is refused)."""
    association = association_for(session, actor, code)
    _serialise(session, association.id)
    errors: dict[str, tuple[str, dict]] = {}
    category_code = halfwidth(data.get("code"))
    if not _CODE.fullmatch(category_code):
        errors["code"] = ("category_code_rule", {})
    elif session.scalar(sa.select(MemberCategory.id).where(MemberCategory.association_id == association.id,
                                                           MemberCategory.code == category_code)):
        errors["code"] = ("category_code_taken", {"value": category_code})
    clean = _clean(data, errors)
    if errors:
        raise ValidationFailed(errors, context="category")
    last = session.scalar(sa.select(sa.func.max(MemberCategory.sort_order)).where(
        MemberCategory.association_id == association.id))
    category = MemberCategory(association_id=association.id, code=category_code, sort_order=(last or 0) + 1, **clean)
    session.add(category)
    session.flush()
    audit.record(session, actor, "category.add", "member_category", category.id, association=association.code,
                 code=category_code)
    return category


def _serialise(session: Session, association_id: int) -> None:
    """One change to an association's categories at a time (two clerks retiring the last two at
    once would leave none on offer; two added at once would share a place)."""
    serialise(session, f"categories.{association_id}")


def _category(session: Session, actor: Actor, code: str, category_id: int) -> MemberCategory:
    association = association_for(session, actor, code)
    _serialise(session, association.id)
    category = session.get(MemberCategory, category_id, populate_existing=True)
    if category is None or category.association_id != association.id:
        raise NotFound()
    return category


def update_category(session: Session, actor: Actor, code: str, category_id: int, data: dict) -> MemberCategory:
    """Reword a category (its code stays: memberships and imports name it). Raises ValidationFailed."""
    category = _category(session, actor, code, category_id)
    errors: dict[str, tuple[str, dict]] = {}
    clean = _clean(data, errors)
    if errors:
        raise ValidationFailed(errors, context="category")
    changed = {k: v for k, v in clean.items() if getattr(category, k) != v}
    for k, v in changed.items():
        setattr(category, k, v)
    if changed:
        audit.record(session, actor, "category.update", "member_category", category.id, fields=sorted(changed))
    return category


def move_category(session: Session, actor: Actor, code: str, category_id: int, step: int) -> None:
    """Offer the category one place earlier (step −1) or later (+1) among the active ones."""
    category = _category(session, actor, code, category_id)
    active = list(session.scalars(sa.select(MemberCategory).where(
        MemberCategory.association_id == category.association_id, MemberCategory.retired_at.is_(None))
        .order_by(MemberCategory.sort_order, MemberCategory.id)))
    if category not in active:
        return
    i = active.index(category)
    j = i + (1 if step > 0 else -1)
    if 0 <= j < len(active):
        active[i], active[j] = active[j], active[i]
        for order, c in enumerate(active, start=1):
            c.sort_order = order
        audit.record(session, actor, "category.move", "member_category", category.id, position=j + 1)


def set_retired(session: Session, actor: Actor, code: str, category_id: int, retired: bool) -> MemberCategory:
    """Retire a category (no longer offered) or offer it again. An association keeps at least one
    category on offer. Raises ValidationFailed."""
    category = _category(session, actor, code, category_id)
    if retired and category.retired_at is None:
        offered = session.scalar(sa.select(sa.func.count()).select_from(MemberCategory).where(
            MemberCategory.association_id == category.association_id, MemberCategory.retired_at.is_(None)))
        if offered <= 1:
            raise ValidationFailed({"category": ("last_category", {})}, context="category")
        category.retired_at = utcnow()
        audit.record(session, actor, "category.retire", "member_category", category.id, code=category.code)
    elif not retired and category.retired_at is not None:
        category.retired_at = None
        audit.record(session, actor, "category.reinstate", "member_category", category.id, code=category.code)
    return category
