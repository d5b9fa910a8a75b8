"""Who may see which physician: the one rule for screens and API alike (SPEC §8, 共同利用).

- a member sees only themself;
- a secretariat sees the physicians who have (or had) a membership in its own association —
  so a prefecture sees nothing of another prefecture, and JMA staff see every member of JMA —
  and those with a pending application to it (it reviews them; staff may act for them);
- an admin sees everyone.
Everything outside the scope looks missing (NotFound), never forbidden, so it leaks nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .actors import Actor
from .errors import NotFound
from .fields import halfwidth
from .models import Application, ApplicationPart, Membership, Physician, ProfileChange, UserAccount
from .statuses import ApplicationStatus

OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED)

PAGE_SIZE = 50


def scope(actor: Actor):
    """A condition on Physician: the physicians `actor` may see."""
    if actor.role == "admin":
        return sa.true()
    if actor.role == "secretariat" and actor.association_id:
        applying = (sa.select(Application.physician_id).join(ApplicationPart)
                    .where(ApplicationPart.association_id == actor.association_id,
                           Application.status.in_(OPEN_STATUSES)))
        return sa.or_(Physician.id.in_(sa.select(Membership.physician_id).where(
            Membership.association_id == actor.association_id)), Physician.id.in_(applying))
    if actor.role == "member" and actor.physician_id:
        return Physician.id == actor.physician_id
    return sa.false()


def accounts_in_scope(actor: Actor):
    """A SELECT of the ids of the member accounts of the physicians `actor` may see."""
    return sa.select(UserAccount.id).join(Physician, Physician.id == UserAccount.physician_id).where(scope(actor))


def can_see(session: Session, actor: Actor, physician_id: int) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Physician).where(
        Physician.id == physician_id, scope(actor))) == 1


def get_member(session: Session, actor: Actor, physician_id: int) -> Physician:
    """Raises NotFound when missing or outside the actor's scope."""
    physician = session.scalar(sa.select(Physician).where(Physician.id == physician_id, scope(actor)))
    if physician is None:
        raise NotFound()
    return physician


def list_members(session: Session, actor: Actor, q: str = "", page: int = 1,
                 limit: int = PAGE_SIZE) -> tuple[list[Physician], int]:
    """Members in scope matching `q` (name, kana, 医籍登録番号 or login ID; space-separated terms
    all must match), ordered by kana; returns (page of rows, total)."""
    stmt = sa.select(Physician).where(*_matching(actor, q))
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(*_KANA_ORDER).limit(limit).offset(max(page - 1, 0) * limit)).all()
    return list(rows), total


#: the columns of the member list's CSV export, in order
EXPORT_COLUMNS = (Physician.registry_number, Physician.family_name, Physician.given_name, Physician.family_kana,
                  Physician.given_kana, Physician.birth_date, Physician.sex, Physician.email, Physician.postal_code,
                  Physician.prefecture, Physician.address)


def export_rows(session: Session, actor: Actor, q: str = "", batch: int = 1000):
    """Every member in scope matching `q`, in list order, as rows of EXPORT_COLUMNS — read in
    batches (a server-side cursor on PostgreSQL), however many: JMA exports all its members."""
    result = session.execute(sa.select(*EXPORT_COLUMNS).where(*_matching(actor, q)).order_by(*_KANA_ORDER)
                             .execution_options(yield_per=batch))
    for rows in result.partitions():
        yield from rows


_KANA_ORDER = (Physician.family_kana, Physician.given_kana, Physician.id)


def _matching(actor: Actor, q: str) -> list:
    conditions = [scope(actor)]
    for term in halfwidth(q).split():
        like = f"%{term}%"
        conditions.append(sa.or_(
            (Physician.family_name + Physician.given_name).like(like),
            (Physician.family_kana + Physician.given_kana).like(like),
            Physician.registry_number.like(like),
            Physician.id.in_(sa.select(UserAccount.physician_id).where(UserAccount.login_id.like(like)))))
    return conditions


def account_of(session: Session, physician_id: int) -> UserAccount | None:
    return session.scalar(sa.select(UserAccount).where(UserAccount.physician_id == physician_id))


def memberships_in_scope(session: Session, actor: Actor, physician_id: int) -> list[Membership]:
    get_member(session, actor, physician_id)
    return list(session.scalars(sa.select(Membership).where(Membership.physician_id == physician_id)
                                .options(selectinload(Membership.association), selectinload(Membership.category))
                                .order_by(Membership.group_id, Membership.layer.desc())))


def profile_history(session: Session, actor: Actor, physician_id: int) -> list[ProfileChange]:
    get_member(session, actor, physician_id)
    return list(session.scalars(sa.select(ProfileChange).where(ProfileChange.physician_id == physician_id)
                                .order_by(ProfileChange.at.desc(), ProfileChange.id.desc())))
