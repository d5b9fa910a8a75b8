"""Associations, their categories and the chain rules between layers."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from .models import Association, Facility


def list_associations(session: Session, layer: int | None = None, parent_code: str | None = None,
                      q: str | None = None) -> list[Association]:
    stmt = sa.select(Association).options(selectinload(Association.categories),
                                          selectinload(Association.parent))
    if layer is not None:
        stmt = stmt.where(Association.layer == layer)
    if parent_code:
        parent = sa.select(Association.id).where(Association.code == parent_code).scalar_subquery()
        stmt = stmt.where(Association.parent_id == parent)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(Association.name.like(like), Association.kana.like(like),
                                 Association.code.like(like)))
    return list(session.scalars(stmt.order_by(Association.layer, Association.id)))


def by_code(session: Session, code: str) -> Association | None:
    return session.scalar(sa.select(Association).where(Association.code == code))


def association_dict(a: Association) -> dict:
    return {
        "code": a.code,
        "name": a.name,
        "kana": a.kana,
        "layer": a.layer,
        "parent": a.parent.code if a.parent else None,
        "kind": a.kind,
        "categories": [{"code": c.code, "label": c.label, "criteria": c.criteria} for c in a.categories],
    }


def search_facilities(session: Session, q: str | None, limit: int = 50) -> list[Facility]:
    """Partial match on name, kana or address; space-separated terms must all match."""
    stmt = sa.select(Facility)
    for term in (q or "").replace("\u3000", " ").split():
        like = f"%{term}%"
        stmt = stmt.where(sa.or_(Facility.name.like(like), Facility.kana.like(like),
                                 Facility.address.like(like)))
    return list(session.scalars(stmt.order_by(Facility.kana, Facility.id).limit(limit)))


def facility_dict(f: Facility) -> dict:
    return {
        "id": f.id, "name": f.name, "kana": f.kana, "address": f.address,
        "postal_code": f.postal_code, "tel": f.tel, "owner_type": f.owner_type, "beds": f.beds,
    }


def prefectures(session: Session) -> list[Association]:
    return list(session.scalars(sa.select(Association).where(Association.layer == 2).order_by(Association.id)))


def cities(session: Session, prefecture: str) -> list[str]:
    """The municipalities that some layer-3/4 association of `prefecture` covers."""
    rows = session.scalars(sa.select(Association.areas).where(Association.prefecture == prefecture,
                                                              Association.layer >= 3))
    return sorted({area for areas in rows for area in (areas or [])})


def local_choices(session: Session, prefecture: str, city: str) -> dict:
    """What step 1 of the enrolment wizard offers for a city: its layer-4 and layer-3 associations
    (with categories), the prefecture's association and JMA."""
    locals_ = [a for a in session.scalars(
        sa.select(Association).where(Association.prefecture == prefecture, Association.layer >= 3)
        .options(selectinload(Association.categories)).order_by(Association.layer.desc(), Association.id))
        if city in (a.areas or [])]
    prefecture_assoc = session.scalar(sa.select(Association).where(
        Association.layer == 2, Association.prefecture == prefecture).options(selectinload(Association.categories)))
    jma = session.scalar(sa.select(Association).where(Association.layer == 1)
                         .options(selectinload(Association.categories)))
    return {"layer4": [a for a in locals_ if a.layer == 4], "layer3": [a for a in locals_ if a.layer == 3],
            "prefecture": prefecture_assoc, "jma": jma}


def get_facility(session: Session, facility_id) -> Facility | None:
    try:
        return session.get(Facility, int(facility_id))
    except (TypeError, ValueError):
        return None


def get_by_codes(session: Session, codes: list[str]) -> dict[str, Association]:
    """code → association, with its member categories, in one query."""
    rows = session.scalars(sa.select(Association).where(Association.code.in_(codes))
                           .options(joinedload(Association.categories))).unique()
    return {a.code: a for a in rows}


#: (database, association code) → (id, layer). Codes and layers of associations are fixed once
#: created (renumbering a layer would break every chain), so this cache is never stale.
_id_and_layer: dict[tuple[str, str], tuple[int, int]] = {}


def id_and_layer(session: Session, code) -> tuple[int, int] | None:
    """An association's (id, layer) by code, cached per process; read without autoflush (the
    engine asks in the middle of a step, which flushes once at its end). None if unknown."""
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), str(code))
    found = _id_and_layer.get(key)
    if found is None:
        with session.no_autoflush:
            row = session.execute(sa.select(Association.id, Association.layer)
                                  .where(Association.code == str(code))).first()
        if row is None:
            return None
        found = _id_and_layer[key] = (row.id, row.layer)
    return found
