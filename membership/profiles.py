"""Registered data (登録情報) and dispatch settings (送付物設定), with the history of every change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from . import associations, audit, fields, members
from .actors import Actor
from .errors import Forbidden, ValidationFailed
from .fields import as_jst, jst_day_start, today_jst
from .models import Association, Membership, Physician, ProfileChange, UserAccount
from .reference import DEPARTMENTS, SEXES
from .registration import PROFILE_RULES, validate_profile
from .statuses import MembershipStatus

EDITABLE = (*PROFILE_RULES, "dispatch_to", "dispatch_stopped")


def profile_dict(p: Physician) -> dict:
    return {name: getattr(p, name) for name in EDITABLE}


def _text(value) -> str:
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


#: the fields kept as codes, and the words a history shows for them
VALUE_LABELS: dict[str, dict[str, str]] = {
    "dispatch_to": members.DISPATCH_TO, "sex": SEXES, "main_department": DEPARTMENTS, "sub_department": DEPARTMENTS,
    "dispatch_stopped": {"1": "停止", "0": "送付する"},
}


def value_label(field: str, text: str) -> tuple[str, bool]:
    """A recorded value as shown: (its label, True) for a coded field, else (the text, False)."""
    labels = VALUE_LABELS.get(field)
    if labels is not None and text in labels:
        return labels[text], True
    return text, False


def registry_locked(actor: Actor, physician: Physician) -> bool:
    """A member cannot change their own 医籍登録番号 once it is set: it is how JMA's data (credits,
    certificates, insurance) finds them, so a changed number would collect another physician's
    records. An office that acts for them (with the licence in hand) or an admin corrects it."""
    return actor.role == "member" and bool(physician.registry_number)


def update_profile(session: Session, actor: Actor, physician_id: int, data: dict,
                   apply: bool = True) -> list[ProfileChange]:
    """Change a physician's registered data; one history row per changed field. `apply=False`
    checks the same and returns the changes it would make, writing nothing (the 確認 step).

    The member themself, or staff of an association they belong to (acting on their behalf,
    利用規約 §5-5; the history and the audit trail name the staff user). Raises NotFound (outside
    the scope), Forbidden (other roles), ValidationFailed (every bad field).
    """
    if actor.role not in ("member", "secretariat", "admin"):
        raise Forbidden()
    physician = members.get_member_to_act(session, actor, physician_id)
    clean = validate_profile(session, data, physician_id=physician.id)
    if registry_locked(actor, physician) and clean.get("registry_number") != physician.registry_number:
        raise ValidationFailed.one("registry_number", "registry_number_locked")
    dispatch_to = data.get("dispatch_to") or physician.dispatch_to
    if dispatch_to not in members.DISPATCH_TO:
        raise ValidationFailed.one("dispatch_to", "choose_from_list")
    clean["dispatch_to"] = dispatch_to
    clean["dispatch_stopped"] = bool(data.get("dispatch_stopped"))
    own = members.account_of(session, physician.id)
    on_behalf = own.id if own is not None and own.id != actor.user_id else None
    changes = []
    for name, value in clean.items():
        old = getattr(physician, name)
        if _text(old) == _text(value):
            continue
        changes.append(ProfileChange(physician_id=physician.id, actor_user_id=actor.user_id or None,
                                     on_behalf_of_user_id=on_behalf, field=name, old_value=_text(old),
                                     new_value=_text(value)))
        if apply:
            setattr(physician, name, value)
    if changes and apply:
        session.add_all(changes)
        if own is not None and {"family_name", "given_name"} & {c.field for c in changes}:
            own.display_name = physician.full_name
        audit.record(session, actor, "profile.update", "physician", physician.id, on_behalf_of_user_id=on_behalf,
                     fields=[c.field for c in changes])
    return changes



# --- the changes an office's members made (登録情報の変更一覧) ------------------------------------

#: the list's filter by kind of field: (label, fields)
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("氏名", ("family_name", "given_name", "family_kana", "given_kana", "maiden_family_name",
                     "maiden_given_name", "maiden_family_kana", "maiden_given_kana")),
    "contact": ("住所・連絡先", ("postal_code", "prefecture", "address", "mobile", "tel", "fax")),
    "dispatch": ("送付物設定", ("dispatch_to", "dispatch_stopped")),
    "identity": ("医籍・生年月日・性別", ("registry_number", "registry_date", "birth_date", "sex")),
    "career": ("診療科・学歴・所属学会", ("main_department", "sub_department", "alma_mater", "graduated_on",
                                         "grad_school", "grad_completed_on", "grad_faculty", "doctorate_on",
                                         "societies")),
}
CHANGES_PER_PAGE = 50
#: the period the list shows when none is asked for
DEFAULT_DAYS = 30


@dataclass
class ChangeQuery:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    group: str = ""
    before: int | None = None  # the next page: changes older than this one

    def as_dict(self) -> dict[str, str]:
        """The filters set, as strings (for links and the export), the page aside."""
        return {"date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else "", "group": self.group}


def parse_change_query(args) -> ChangeQuery:
    """A ChangeQuery from request arguments; with no period asked for at all, the last DEFAULT_DAYS
    days (an emptied field means no bound). Raises ValidationFailed naming every bad argument."""
    errors: dict[str, tuple[str, dict]] = {}
    q = ChangeQuery()
    if "date_from" not in args and "date_to" not in args:
        q.date_from = today_jst() - dt.timedelta(days=DEFAULT_DAYS)
    for name in ("date_from", "date_to"):
        if name in args:
            try:
                setattr(q, name, fields.date(args.get(name) or "", optional=True, past=False))
            except fields.FieldError as exc:
                errors[name] = (exc.key, exc.params)
    q.group = (args.get("group") or "").strip()
    if q.group and q.group not in GROUPS:
        errors["group"] = ("choose_from_list", {})
    raw = fields.halfwidth(args.get("before") or "")
    if raw:
        q.before = fields.parse_int(raw, 1, 2**31 - 1)  # an id: PostgreSQL's INTEGER
        if q.before is None:
            errors["before"] = ("invalid", {})
    if q.date_from and q.date_to and q.date_from > q.date_to:
        errors["date_to"] = ("date_too_early", {"min": q.date_from.strftime("%Y/%m/%d")})
    if errors:
        raise ValidationFailed(errors, context="profile_changes")
    return q


_BY = aliased(UserAccount)
#: a row of the list: the change, whose data it was, and who made it
CHANGE_COLUMNS = (ProfileChange.id, ProfileChange.at, ProfileChange.field, ProfileChange.old_value,
                  ProfileChange.new_value, Physician.id.label("physician_id"), Physician.family_name,
                  Physician.given_name, Physician.family_kana, Physician.given_kana, Physician.registry_number,
                  _BY.role.label("by_role"), _BY.display_name.label("by_name"),
                  _BY.association_id.label("by_association_id"), Association.name.label("by_association"))


def _changes_statement(actor: Actor, q: ChangeQuery, walk: bool = False, counting: bool = False):
    """The changes to the registered data of the physicians the office acts for (its current
    members and applicants — not former members, nor attendees of its sessions), newest first.

    A city's scope as one IN over its UNION: its few members are joined to the history through the
    physician index (a check per change would read a year of the country's changes for an office
    whose members changed nothing). `walk` (a prefecture, JMA: most physicians are theirs): the
    history is read newest first and each change's physician checked through the membership
    index, stopping at the page — hashing 300,000 members first took 1–3 s. `counting`: only the
    ids, without the joins the page shows."""
    if actor.role not in ("secretariat", "admin") or (actor.role == "secretariat" and not actor.association_id):
        raise Forbidden()
    if walk and actor.role == "secretariat":
        parts = members._scope_parts(actor, acting=True)
        conditions = [sa.or_(*(part.where(part.selected_columns[0] == ProfileChange.physician_id)
                               .correlate(ProfileChange).exists() for part in parts))]
    elif actor.role == "secretariat":
        conditions = [ProfileChange.physician_id.in_(sa.union(*members._scope_parts(actor, acting=True)))]
    else:
        conditions = []  # an administrator: everyone
    if q.date_from:
        conditions.append(ProfileChange.at >= jst_day_start(q.date_from))
    if q.date_to:
        conditions.append(ProfileChange.at < jst_day_start(q.date_to + dt.timedelta(days=1)))
    if q.group:
        conditions.append(ProfileChange.field.in_(GROUPS[q.group][1]))
    if q.before is not None:
        conditions.append(ProfileChange.id < q.before)
    if counting:
        return sa.select(ProfileChange.id).where(*conditions)
    return (sa.select(*CHANGE_COLUMNS).join(Physician, Physician.id == ProfileChange.physician_id)
            .outerjoin(_BY, _BY.id == ProfileChange.actor_user_id)
            .outerjoin(Association, Association.id == _BY.association_id)
            .where(*conditions).order_by(ProfileChange.id.desc()))


#: the list counts its matches up to this many (a period left open at JMA would count millions)
COUNT_UP_TO = 10_000


def _holds_most(session: Session, actor: Actor) -> bool:
    """A prefecture's or JMA's office: its members are most of the history's physicians."""
    if actor.role != "secretariat" or not actor.association_id:
        return False
    return (associations.layer_of(session, actor.association_id) or 9) <= 2


def changes_here(session: Session, actor: Actor, q: ChangeQuery,
                 per_page: int = CHANGES_PER_PAGE) -> tuple[list, int, int | None]:
    """One page of the changes (see `_changes_statement`), how many match (counted up to
    COUNT_UP_TO; more shows as COUNT_UP_TO + 1), and the `before` of the next page (None at the
    end). Pages are cut at an id: the history only grows. Secretariats (their own association's
    members) and admins; raises Forbidden for others."""
    walk = _holds_most(session, actor)
    stmt = _changes_statement(actor, q, walk)
    rows = session.execute(stmt.limit(per_page + 1)).all()
    counted = _changes_statement(actor, replace(q, before=None), walk, counting=True).limit(COUNT_UP_TO + 1)
    total = session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    return rows[:per_page], total, (rows[per_page - 1].id if len(rows) > per_page else None)


def changed_by(row, association_id: int | None = None) -> str:
    """Who made a change, in words: 本人, 管理者, or an office — with its staff member's name only
    for the reader's own office (another office's staff are named by their office alone)."""
    if row.by_role == "member":
        return "本人"
    if row.by_role == "secretariat":
        own = association_id is None or row.by_association_id == association_id
        return f"{row.by_association}（{row.by_name}）" if own and row.by_name else row.by_association or "事務局"
    if row.by_role == "admin":
        return "管理者"
    return "—"


CHANGE_HEADINGS = ("変更日時", "医籍登録番号", "氏名", "フリガナ", "項目", "変更前", "変更後", "変更者")


def export_changes(session: Session, actor: Actor, q: ChangeQuery, label=str, value=lambda f, v: v,
                   word=str, batch: int = 1000):
    """Every matching change as CSV rows (CHANGE_HEADINGS), newest first, read in batches; `label`
    names a field, `value(field, text)` shows a value and `word` a fixed word (本人) in the reader's
    language. The export is
    recorded (who took which members' data away): commit before reading the rows."""
    stmt = _changes_statement(actor, replace(q, before=None), _holds_most(session, actor))
    audit.record(session, actor, "profile.changes_export", "association", actor.association_id, filters=q.as_dict())
    audit.flush(session)

    def rows():
        for r in session.execute(stmt.execution_options(yield_per=batch)):
            yield (as_jst(r.at).strftime("%Y/%m/%d %H:%M"), r.registry_number or "",
                   f"{r.family_name} {r.given_name}", f"{r.family_kana} {r.given_kana}", label(r.field),
                   value(r.field, r.old_value), value(r.field, r.new_value),
                   word(changed_by(r, actor.association_id)))

    return rows()


def members_changed_since(session: Session, association_id: int, since: dt.datetime) -> int:
    """How many current members of the association changed their registered data since `since`
    (or had it changed by another office or an admin) — for the morning digest; what the
    association's own staff changed it knows already."""
    own_staff = sa.select(UserAccount.id).where(UserAccount.association_id == association_id,
                                                UserAccount.role == "secretariat")
    held = sa.select(Membership.physician_id).where(Membership.association_id == association_id,
                                                    Membership.status == MembershipStatus.ACTIVE)
    return session.scalar(sa.select(sa.func.count(sa.distinct(ProfileChange.physician_id))).where(
        ProfileChange.at >= since, ProfileChange.physician_id.in_(held),
        sa.or_(ProfileChange.actor_user_id.is_(None), ProfileChange.actor_user_id.not_in(own_staff)))) or 0
