"""Associations, their categories and the chain rules between layers."""

from __future__ import annotations

import hashlib
import json
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from . import audit, fields, search
from .actors import Actor
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import FieldError, parse_id
from .models import Association, Facility, MemberCategory
from .reference import PREFECTURES

#: an association's kind → its layer, and the layer of the parent it hangs under
KINDS = {"national": "日本医師会", "prefectural": "都道府県医師会", "municipal": "郡市区医師会",
         "occupational": "職域医師会", "university": "大学医師会", "district": "地区医師会（支部）",
         "external": "外部団体（研修会の主催）"}
KIND_LAYER = {"national": 1, "prefectural": 2, "municipal": 3, "occupational": 3, "university": 3, "external": 3,
              "district": 4}
_CODE = re.compile(r"[a-z0-9_]{2,32}")
MAX_AREAS = 50


def holds_members(association: Association | None) -> bool:
    """Whether the association has members (categories, データ取込み, login notices): not an external
    body, which only organises training sessions (its attendees are linked to it, SPEC §1)."""
    return association is not None and association.kind != "external"


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
        like, kana = search.contains(q), search.contains(search.as_katakana(q))
        stmt = stmt.where(sa.or_(Association.name.like(like, escape=search.ESCAPE),
                                 Association.kana.like(kana, escape=search.ESCAPE),
                                 Association.code.like(like, escape=search.ESCAPE)))
    return list(session.scalars(stmt.order_by(Association.layer, Association.id)))


#: the public directory lists at most this many associations at once (a prefecture has fewer)
DIRECTORY_LIMIT = 200


def directory(session: Session, prefecture: str = "", q: str = "") -> tuple[list[Association], int]:
    """各医師会の連絡先: the associations (with their office's phone and mail) of a prefecture and/or
    matching a name, by layer: (the first DIRECTORY_LIMIT, how many in all). Public: an
    association's office contacts are what members are asked to phone before applying."""
    stmt = sa.select(Association)
    if prefecture:
        stmt = stmt.where(sa.or_(Association.prefecture == prefecture, Association.layer == 1))
    if q:
        like, kana = search.contains(q), search.contains(search.as_katakana(q))
        stmt = stmt.where(sa.or_(Association.name.like(like, escape=search.ESCAPE),
                                 Association.kana.like(kana, escape=search.ESCAPE)))
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.order_by(Association.layer, Association.kana, Association.id).limit(DIRECTORY_LIMIT))
    return list(rows), total


def by_id(session: Session, association_id: int | None) -> Association | None:
    return session.get(Association, association_id) if association_id else None


def by_code(session: Session, code: str) -> Association | None:
    return session.scalar(sa.select(Association).where(Association.code == code))


def name_of(session: Session, association_id: int | None) -> str:
    """An association's name ("" for none), e.g. for a document's title."""
    return session.scalar(sa.select(Association.name).where(Association.id == association_id)) or "" \
        if association_id else ""


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


#: the most facilities one search lists (a screen then asks for more terms)
FACILITY_LIMIT = 50


def search_facilities(session: Session, q: str | None, limit: int = FACILITY_LIMIT) -> list[Facility]:
    """Partial match on name, kana or address; space-separated terms must all match. A term is
    read as typed in any width (ｳｴﾉ, ２ — NFKC, as the data is written) and in hiragana for the
    kana; a name is matched with its spaces too or without them (上野クリニック札幌 finds
    上野クリニック 札幌医院). The first `limit` by kana (count_facilities says how many in all)."""
    return list(session.scalars(_facilities(q).order_by(Facility.kana, Facility.id).limit(limit)))


def count_facilities(session: Session, q: str | None) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(_facilities(q).subquery()))


def _facilities(q: str | None):
    stmt = sa.select(Facility)
    bare_name = sa.func.replace(sa.func.replace(Facility.name, " ", ""), "\u3000", "")
    for forms in search.terms(q):
        matches = []
        for term in forms:
            like, kana = search.contains(term), search.contains(search.as_katakana(term))
            # ilike: ABC finds abc on PostgreSQL as SQLite's LIKE does (the table is small)
            matches += [Facility.name.ilike(like, escape=search.ESCAPE), bare_name.ilike(like, escape=search.ESCAPE),
                        Facility.kana.like(kana, escape=search.ESCAPE),
                        Facility.address.ilike(like, escape=search.ESCAPE)]
        stmt = stmt.where(sa.or_(*matches))
    return stmt


def facility_dict(f: Facility) -> dict:
    return {
        "id": f.id, "name": f.name, "kana": f.kana, "address": f.address,
        "postal_code": f.postal_code, "tel": f.tel, "owner_type": f.owner_type, "beds": f.beds,
    }


def prefectures(session: Session) -> list[Association]:
    return list(session.scalars(sa.select(Association).where(Association.layer == 2).order_by(Association.id)))


def _offered():
    """An association physicians may apply to: one with a member category on offer (a new one is
    not, until its categories are set — its applicants would have none to choose)."""
    return sa.exists().where(MemberCategory.association_id == Association.id, MemberCategory.retired_at.is_(None))


def offered_children(session: Session, parent_id: int) -> list[Association]:
    """The associations under `parent_id` a physician may join (members, a category on offer), by
    kana — what a member of a prefecture alone may add below it (追加入会 of a city)."""
    return list(session.scalars(sa.select(Association).where(
        Association.parent_id == parent_id, Association.kind != "external", _offered())
        .options(selectinload(Association.categories)).order_by(Association.kana, Association.id)))


def cities(session: Session, prefecture: str) -> list[str]:
    """The municipalities that some layer-3/4 association of `prefecture` on offer covers."""
    rows = session.scalars(sa.select(Association.areas).where(Association.prefecture == prefecture,
                                                              Association.layer >= 3, _offered()))
    return sorted({area for areas in rows for area in (areas or [])})


def local_choices(session: Session, prefecture: str, city: str) -> dict:
    """What step 1 of the enrolment wizard offers for a city: its layer-3 associations, and every
    district (layer 4) of theirs — those covering the city first: the facility's place is a guide,
    not a rule (seed 000: 札幌市中央区 lists all seven 支部 of 札幌市医師会) —, with their categories,
    then the prefecture's association and JMA."""
    offered = list(session.scalars(
        sa.select(Association).where(Association.prefecture == prefecture, Association.layer >= 3, _offered())
        .options(selectinload(Association.categories)).order_by(Association.layer.desc(), Association.id)))
    cities_here = {a.id for a in offered if a.layer == 3 and city in (a.areas or [])}
    locals_ = sorted((a for a in offered if city in (a.areas or []) or (a.layer == 4 and a.parent_id in cities_here)),
                     key=lambda a: (-a.layer, city not in (a.areas or []), a.id))
    prefecture_assoc = session.scalar(sa.select(Association).where(
        Association.layer == 2, Association.prefecture == prefecture, _offered())
        .options(selectinload(Association.categories)))
    jma = session.scalar(sa.select(Association).where(Association.layer == 1)
                         .options(selectinload(Association.categories)))
    return {"layer4": [a for a in locals_ if a.layer == 4], "layer3": [a for a in locals_ if a.layer == 3],
            "prefecture": prefecture_assoc, "jma": jma}


def get_facility(session: Session, facility_id) -> Facility | None:
    """The facility a client named (an id, or its digits), or None for anything else."""
    found = parse_id(facility_id)
    return session.get(Facility, found) if found is not None else None


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


#: (database, association id) → code: fixed once created, like _id_and_layer
_codes: dict[tuple[str, int], str] = {}


def code_of(session: Session, association_id: int | None) -> str | None:
    """An association's code by id, cached per process (read without autoflush); None for None."""
    if association_id is None:
        return None
    bind = session.get_bind()
    key = (str(getattr(bind, "engine", bind).url), association_id)
    found = _codes.get(key)
    if found is None:
        with session.no_autoflush:
            found = session.scalar(sa.select(Association.code).where(Association.id == association_id))
        if found is None:
            return None
        _codes[key] = found
    return found


def layer_of(session: Session, association_id: int | None) -> int | None:
    """An association's layer by id (cached per process, as its code is)."""
    found = id_and_layer(session, code_of(session, association_id)) if association_id is not None else None
    return found[1] if found is not None else None


def names_by_id(session: Session, ids) -> dict[int, str]:
    """{id: name} of the associations `ids` (None ignored), in one query (also for none: a page's
    queries do not depend on its rows)."""
    wanted = [i for i in set(ids) if i is not None]
    return dict(session.execute(sa.select(Association.id, Association.name).where(Association.id.in_(wanted))).all())


def parents(session: Session) -> dict[int, int | None]:
    """{association id: its parent's id} — the whole tree, in one read (about a thousand rows)."""
    return dict(session.execute(sa.select(Association.id, Association.parent_id)).all())


def lineage(tree: dict[int, int | None], association_id: int | None) -> list[int]:
    """The association and the ones above it, nearest first, in `tree` (parents())."""
    out: list[int] = []
    while association_id is not None and association_id not in out:
        out.append(association_id)
        association_id = tree.get(association_id)
    return out


def descendants(tree: dict[int, int | None], association_id: int) -> list[int]:
    """The association and every association below it in `tree` (parents()), itself first."""
    return [association_id] + [aid for aid in tree if aid != association_id and association_id in lineage(tree, aid)]


def below_office(session: Session, office_id: int | None, code: str) -> list[int] | None:
    """The ids of the association `code` names and of those below it, when it is below the office
    `office_id` (any association, for None: an administrator); None otherwise (unknown, the office
    itself, or outside it). One read of the tree."""
    found = session.scalar(sa.select(Association.id).where(Association.code == code))
    if found is None or found == office_id:
        return None
    tree = parents(session)
    if office_id is not None and office_id not in lineage(tree, found):
        return None
    return descendants(tree, found)


def origin_choices(session: Session, association_id: int | None) -> list[Association]:
    """What an office may narrow its inbox to by 申請元: for JMA the prefectures, for any other the
    associations below it (a prefecture's cities and districts, a city's districts); none for an
    office with nothing below it."""
    if association_id is None:
        return []
    office = session.get(Association, association_id)
    if office is None:
        return []
    if office.layer == 1:
        return list(session.scalars(sa.select(Association).where(Association.layer == 2).order_by(Association.id)))
    tree = parents(session)
    ids = descendants(tree, association_id)[1:]
    if not ids:
        return []
    found = list(session.scalars(sa.select(Association).where(Association.id.in_(ids))
                                 .order_by(Association.kana, Association.id)))
    # as a tree (a city, then its districts), each level by its kana: a prefecture's list read flat
    # put 北区支部 beside 小樽市医師会
    below: dict[int | None, list[Association]] = {}
    for a in found:
        below.setdefault(a.parent_id, []).append(a)
    ordered: list[Association] = []

    def walk(parent_id):
        for a in below.get(parent_id, []):
            ordered.append(a)
            walk(a.id)

    walk(association_id)
    return ordered


# --- administration ---------------------------------------------------------------------------------

def code_rule(raw) -> str:
    """An association's code: 2–32 lower-case letters, digits or _ (FieldError otherwise)."""
    code = fields.halfwidth(raw).lower()
    if not _CODE.fullmatch(code):
        raise FieldError("association_code_rule")
    return code


def _areas(raw, errors: dict) -> list[str]:
    """Municipalities, one per line or separated by commas (、 too); each at most 20 characters."""
    items = [a.strip() for a in re.split(r"[\n,、，]", fields.fullwidth_text(raw or "")) if a.strip()]
    if len(items) > MAX_AREAS or any(len(a) > 20 for a in items):
        errors["areas"] = ("invalid", {})
    return list(dict.fromkeys(items))


def _contact(data: dict, errors: dict, session: Session | None = None, own_id: int | None = None) -> dict:
    out = {}
    for field, rule in (("name", lambda v: fields.text(v, 100, optional=False)),
                        ("kana", lambda v: fields.kana(v, 200)),
                        ("email", lambda v: fields.email(v) if (v or "").strip() else ""),
                        ("tel", fields.phone)):
        try:
            out[field] = rule(data.get(field))
        except FieldError as exc:
            errors[field] = (exc.key, exc.params)
    # one name, one association: applicants choose by name (two 札幌市医師会 could not be told apart)
    if session is not None and out.get("name") and session.scalar(sa.select(Association.id).where(
            Association.name == out["name"], Association.id != (own_id or 0))):
        errors["name"] = ("association_code_taken", {"value": out["name"]})
    return out


def create_association(session: Session, actor: Actor, data: dict) -> Association:
    """Administrators add an association: its code (fixed for good), kind — which sets its layer —,
    parent (the layer above; a prefecture for an external body), names, contact and the
    municipalities it covers (for the enrolment search). Raises ValidationFailed naming the field."""
    if actor.role != "admin":
        raise Forbidden()
    errors: dict[str, tuple[str, dict]] = {}
    try:
        code = code_rule(data.get("code"))
    except FieldError as exc:
        errors["code"], code = (exc.key, exc.params), ""
    if code and by_code(session, code) is not None:
        errors["code"] = ("association_code_taken", {"value": code})
    kind = data.get("kind", "")
    layer = KIND_LAYER.get(kind)
    if layer is None:
        errors["kind"] = ("choose_from_list", {})
    parent = by_code(session, str(data.get("parent") or "")) if data.get("parent") else None
    prefecture = ""
    if layer == 1:
        if session.scalar(sa.select(Association.id).where(Association.layer == 1)):
            errors["kind"] = ("one_national", {})
        parent = None
    elif layer is not None:
        if parent is None or parent.layer != layer - 1 or parent.kind == "external" or (
                kind == "external" and parent.layer != 2):
            errors["parent"] = ("parent_layer", {"layer": layer - 1})
        if layer == 2:
            prefecture = data.get("prefecture", "")
            if prefecture not in PREFECTURES:
                errors["prefecture"] = ("choose_from_list", {})
            elif session.scalar(sa.select(Association.id).where(Association.layer == 2,
                                                                Association.prefecture == prefecture)):
                errors["prefecture"] = ("one_per_prefecture", {"value": prefecture})
        elif parent is not None:
            prefecture = parent.prefecture
    clean = _contact(data, errors, session)
    areas = _areas(data.get("areas"), errors) if layer in (3, 4) and kind != "external" else []
    if errors:
        raise ValidationFailed(errors, context="association")
    association = Association(code=code, kind=kind, layer=layer, parent_id=parent.id if parent else None,
                              prefecture=prefecture, areas=areas, **clean)
    session.add(association)
    session.flush()
    audit.record(session, actor, "association.create", "association", association.id, code=code, layer=layer)
    return association


def update_association(session: Session, actor: Actor, code: str, data: dict) -> Association:
    """Administrators change an association's names, contact and municipalities (its code, kind,
    layer and parent stay: every chain and membership depends on them). Raises ValidationFailed."""
    if actor.role != "admin":
        raise Forbidden()
    association = by_code(session, code)
    if association is None:
        raise NotFound()
    session.refresh(association, with_for_update=True)  # two admins' saves one after the other
    if data.get("seen") and data["seen"] != fingerprint(association):
        # what the form was filled from was changed by someone else meanwhile: saving it would undo that
        raise ValidationFailed({"seen": ("association_changed_meanwhile", {})}, context="association")
    errors: dict[str, tuple[str, dict]] = {}
    clean = _contact(data, errors, session, association.id)
    if association.layer in (3, 4) and association.kind != "external":
        clean["areas"] = _areas(data.get("areas"), errors)
    if errors:
        raise ValidationFailed(errors, context="association")
    changed = sorted(k for k, v in clean.items() if getattr(association, k) != v)
    before = {k: getattr(association, k) for k in changed}
    for k in changed:
        setattr(association, k, clean[k])
    if changed:
        audit.record(session, actor, "association.update", "association", association.id, fields=changed,
                     changes={k: [before[k], clean[k]] for k in changed})
    return association


def fingerprint(association: Association) -> str:
    """The editable values as an edit form was filled from them (names, contact, municipalities): a
    save that brings back another fingerprint was filled before someone else's change."""
    values = [association.name, association.kana, association.email, association.tel, association.areas]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, default=str).encode()).hexdigest()[:16]
