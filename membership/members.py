"""Who may see which physician: the one rule for screens and API alike (SPEC §8, 共同利用).

- a member sees only themself;
- a secretariat sees the physicians who have (or had) a membership in its own association —
  so a prefecture sees nothing of another prefecture, and JMA staff see every member of JMA —
  and those with a pending application to it (it reviews them), and attendees of its sessions;
- an office acts (files for, edits, issues logins) only for its current members and applicants;
- an admin sees everyone.
Everything outside the scope looks missing (NotFound), never forbidden, so it leaks nothing.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import associations, search
from .actors import Actor
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import halfwidth, jst_day_start, today_jst
from .models import (
    Application,
    ApplicationPart,
    Association,
    Facility,
    MemberCategory,
    Membership,
    MembershipGroup,
    Physician,
    ProfileChange,
    SessionCoOrganiser,
    SessionRegistration,
    TrainingSession,
    UserAccount,
)
from .statuses import ApplicationStatus, MembershipStatus, PartAction

OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.RETURNED)

PAGE_SIZE = 50
#: the member list's status filter: in the office's own association (everywhere, for an admin)
#: 現会員 are members today; 入会予定 were approved from a later date (e.g. 4月1日入会)
STATUSES = {"active": "現会員", "upcoming": "入会予定", "former": "退会済み", "applying": "入会申請中",
            "attendee": "研修会の受講者（会員外）"}
#: a physician without a membership here yet whose transfer into it is approved (listed as 入会予定)
MOVING_IN = "入会予定（異動）"
#: a physician who is not this office's member, with an application it reviews that is no joining
REVIEWING = "審査中の申請あり（会員外）"


def scope(actor: Actor, attendees: bool = True, acting: bool = False, probe: bool = False, former: bool = True):
    """A condition on Physician: the physicians `actor` may see — for an office its members (past
    ones too: its own records of who was its member, 利用規約 共同利用 ①), those applying to it and
    (`attendees`) those linked by its training sessions. `acting=True` is the narrower scope an
    office may act in (file for, edit their data, enter credits, issue logins): its current members
    and those applying to it — not a former member, nor an attendee. `former=False` leaves out those
    seen only as former members (whose data the office sees as it stood when they left: `left_on`).

    Two forms of the same set: by default one IN over a UNION, which the database reads as a set
    (a semi-join) — best when the office is small beside the whole table; `probe=True` an OR of
    EXISTS checked per physician through the indexes — best when the rows are few for another
    reason (a search) or when walking the list's order finds the office's physicians soon (a
    national or prefectural office holds most of them)."""
    if actor.role == "admin":
        return sa.true()
    if actor.role == "secretariat" and actor.association_id:
        parts = _scope_parts(actor, attendees, acting, former)
        if probe:
            return sa.or_(*(part.where(part.selected_columns[0] == Physician.id).correlate(Physician).exists()
                            for part in parts))
        # one IN over a UNION, not an OR of INs: the database joins it (a semi-join) at any size,
        # where an OR of subqueries whose results outgrow its memory is checked row by row
        return Physician.id.in_(sa.union(*parts))
    if actor.role == "member" and actor.physician_id:
        return Physician.id == actor.physician_id
    return sa.false()


def _applying(association_id, *where):
    """The physicians with an application to the association under review."""
    return (sa.select(Application.physician_id).join(ApplicationPart)
            .where(ApplicationPart.association_id == association_id, Application.status.in_(OPEN_STATUSES), *where))


def _moving_in(association_id, *where):
    """The physicians whose transfer into the association is approved and waits for its date (its
    memberships begin when the transfer applies): the receiving office prepares for them."""
    return (sa.select(Application.physician_id).join(ApplicationPart)
            .where(ApplicationPart.association_id == association_id, ApplicationPart.action == PartAction.JOIN,
                   Application.kind == "transfer", Application.status == ApplicationStatus.APPROVED, *where))


def _scope_parts(actor: Actor, attendees: bool = True, acting: bool = False, former: bool = True) -> list:
    """The SELECTs of physician ids whose union is an office's scope (see `scope`)."""
    held = sa.select(Membership.physician_id).where(Membership.association_id == actor.association_id)
    if acting or not former:
        held = held.where(Membership.status == MembershipStatus.ACTIVE)
    return [held, _applying(actor.association_id), _moving_in(actor.association_id),
            *([_attended_here(actor)] if attendees and not acting else [])]


def co_organised_by(association_id: int, statuses: tuple[str, ...] = ("accepted",)):
    """The ids of the sessions the association co-organises (共催) — by default those it accepted:
    an invitation not yet answered, or declined, gives no sight of attendees."""
    return sa.select(SessionCoOrganiser.session_id).where(SessionCoOrganiser.association_id == association_id,
                                                          SessionCoOrganiser.status.in_(statuses))


def _attended_here(actor: Actor):
    """The non-members with a place (or who came) at a session the actor's association organised or
    co-organised (共催): a physician who belongs to no association is linked to the associations
    whose sessions they attend (seed 004: 研修会に参加する非会員の医師 — 当該研修会を開催する医師会に
    医師の情報が紐づく). A member of another association is not: their data stays with the
    associations they belong to (the session's own list of attendees still names them).

    A co-organiser is linked only to those who registered after it accepted — who saw it named on
    the session when they applied: one added later does not receive the records of people who
    registered for a session without it."""
    member_somewhere = sa.exists().where(Membership.physician_id == SessionRegistration.physician_id,
                                         Membership.status == MembershipStatus.ACTIVE)
    came = [sa.or_(SessionRegistration.status != "cancelled", SessionRegistration.attended.is_(True)),
            ~member_somewhere]
    organised = sa.select(TrainingSession.id).where(TrainingSession.organiser_association_id == actor.association_id)
    # accepted before the registration, and before the session began (a walk-in added to the
    # report is registered then, though they came on the day)
    co_held = sa.select(SessionCoOrganiser).join(
        TrainingSession, TrainingSession.id == SessionCoOrganiser.session_id).where(
        SessionCoOrganiser.session_id == SessionRegistration.session_id,
        SessionCoOrganiser.association_id == actor.association_id, SessionCoOrganiser.status == "accepted",
        SessionCoOrganiser.answered_at <= SessionRegistration.registered_at,
        SessionCoOrganiser.answered_at < TrainingSession.starts_on).exists()
    # one SELECT (callers narrow it, or probe it per physician); the sessions held are few either way
    return sa.select(SessionRegistration.physician_id).where(sa.or_(
        SessionRegistration.session_id.in_(organised),
        sa.and_(SessionRegistration.session_id.in_(co_organised_by(actor.association_id)), co_held)), *came)


def links_here(session: Session, actor: Actor, physician_ids: list[int]) -> dict[int, str]:
    """{physician id: "applying" | "reviewing" | "moving_in" | "attendee"} for those of a page of the
    list who have no membership in the actor's association: applying to join it, with another
    application it reviews (a certification of a district's member at its city), moving in on a
    transfer's date, or only linked by its sessions."""
    if not actor.association_id or not physician_ids:
        return {}
    members_here = set(session.scalars(sa.select(Membership.physician_id).where(
        Membership.association_id == actor.association_id, Membership.physician_id.in_(physician_ids))))
    filed = session.execute(_applying(actor.association_id, Application.physician_id.in_(physician_ids))
                            .add_columns(ApplicationPart.action)).all()
    reviewing = {pid for pid, _ in filed}
    applying = {pid for pid, action in filed if action == PartAction.JOIN}
    moving_in = set(session.scalars(_moving_in(actor.association_id, Application.physician_id.in_(physician_ids))))
    attended = set(session.scalars(_attended_here(actor).where(SessionRegistration.physician_id.in_(physician_ids))))
    out = {}
    for pid in physician_ids:
        if pid in members_here:
            continue
        if pid in applying:
            out[pid] = "applying"
        elif pid in reviewing:  # not joining: a certification this office reviews (a district's member)
            out[pid] = "reviewing"
        elif pid in moving_in:
            out[pid] = "moving_in"
        elif pid in attended:
            out[pid] = "attendee"
    return out


def accounts_in_scope(actor: Actor):
    """A SELECT of the ids of the member accounts of the physicians `actor` may see."""
    return sa.select(UserAccount.id).join(Physician, Physician.id == UserAccount.physician_id).where(scope(actor))


def can_see(session: Session, actor: Actor, physician_id: int) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(Physician).where(
        Physician.id == physician_id, scope(actor))) == 1


def can_act_for(session: Session, actor: Actor, physician_id: int) -> bool:
    """Whether the office may act for the physician (file on their behalf, edit their data, issue
    their login): a current member or an applicant of it — not a former member, nor one linked by
    its sessions alone."""
    return session.scalar(sa.select(sa.func.count()).select_from(Physician).where(
        Physician.id == physician_id, scope(actor, acting=True))) == 1


def left_on(session: Session, actor: Actor, physician_id: int) -> dt.date | None:
    """The last day of the office's last membership of a physician it sees only as a former member
    (no membership of it now, no application to it, no session of its attended): None otherwise.

    A former member's record is the office's own record of who was its member (共同利用 ①), not a
    window on their life since: the office sees who they were and its memberships of them, but not
    their contact details, their facility, their memberships elsewhere, their benefits, nor what
    they changed after leaving — those belong to the associations they belong to now (SPEC §8)."""
    if not only_former(session, actor, [physician_id]):
        return None
    return session.scalar(sa.select(sa.func.max(Membership.until)).where(
        Membership.physician_id == physician_id, Membership.association_id == actor.association_id)) or today_jst()


def only_former(session: Session, actor: Actor, physician_ids: list[int]) -> set[int]:
    """Those of `physician_ids` (all in the actor's scope) it sees only as former members (`left_on`)."""
    if actor.role != "secretariat" or not actor.association_id or not physician_ids:
        return set()
    current = set(session.scalars(sa.select(Physician.id).where(
        Physician.id.in_(physician_ids), scope(actor, former=False, probe=True))))
    return set(physician_ids) - current


def get_member_to_act(session: Session, actor: Actor, physician_id: int) -> Physician:
    """get_member, for acting: Forbidden for a physician the office only sees (a former member, a
    session's attendee), NotFound outside its sight."""
    physician = get_member(session, actor, physician_id)
    if not can_act_for(session, actor, physician_id):
        raise Forbidden()
    return physician


def get_member(session: Session, actor: Actor, physician_id: int) -> Physician:
    """Raises NotFound when missing or outside the actor's scope."""
    physician = session.scalar(sa.select(Physician).where(Physician.id == physician_id, scope(actor)))
    if physician is None:
        raise NotFound()
    return physician


def list_members(session: Session, actor: Actor, q: str = "", page: int = 1, limit: int = PAGE_SIZE,
                 status: str = "", category: str = "", branch: str = "") -> tuple[list[Physician], int]:
    """Members in scope matching `q` (name, kana, 医籍登録番号 or login ID; space-separated terms
    all must match), `status` (a key of STATUSES) and `category` (a member category code of the
    actor's association) and `branch` (an association below the office: its members and those of
    the associations below it — a prefecture's city, JMA's prefecture), ordered by kana; returns
    (page of rows, total). Raises ValidationFailed."""
    _check_category(session, actor, category)
    below = branch_ids(session, actor, branch)
    searching = bool(halfwidth(q).split())
    # a search checks the few physicians it finds against the scope — except in a city's office,
    # whose few members are read first (a short name found nationwide first took a second)
    probe_search = searching and not _municipal(session, actor)
    # a search finds few physicians, each then checked against the scope; otherwise the office's
    # set is counted as a set, and a large office's page is read by walking the kana order
    if not (searching or status or category or below) and actor.role == "secretariat" and actor.association_id:
        # the whole list: its physicians counted straight from the scope's parts (a sort of their
        # ids, not a hash of them joined to every physician: 60 ms for JMA's 300,000, not 220)
        ids = sa.union_all(*_scope_parts(actor)).subquery()
        total = session.scalar(sa.select(sa.func.count(sa.distinct(ids.c[0]))))
    else:
        counted = sa.select(Physician.id).where(*_matching(actor, q, status, category, probe=probe_search,
                                                           below=below))
        total = session.scalar(sa.select(sa.func.count()).select_from(counted.subquery()))
    stmt = sa.select(Physician).where(*_matching(actor, q, status, category,
                                                 probe=probe_search or total >= WALK_FROM, below=below))
    rows = session.scalars(stmt.order_by(*_KANA_ORDER).limit(limit).offset(max(page - 1, 0) * limit)).all()
    return list(rows), total


def branch_ids(session: Session, actor: Actor, code: str) -> list[int] | None:
    """The association `code` names (below the office: a prefecture's city, JMA's prefecture) and
    those below it, for the list's 所属 filter; None when not asked. Raises ValidationFailed
    naming `branch` for one that is not below the office."""
    code = (code or "").strip()
    if not code:
        return None
    admin = actor.role == "admin"
    ids = associations.below_office(session, None if admin else actor.association_id, code[:32]) \
        if admin or actor.association_id else None
    if ids is None:
        raise ValidationFailed({"branch": ("choose_from_list", {})}, context="members")
    return ids


def _municipal(session: Session, actor: Actor) -> bool:
    """A city's or district's office (layer 3 or 4): its members are few beside the country's."""
    if actor.role != "secretariat" or not actor.association_id:
        return False
    return (associations.layer_of(session, actor.association_id) or 0) >= 3


#: from this many physicians in the list, its page is read by walking the kana index (a prefecture's
#: or JMA's office holds most physicians: the first 50 in kana order are among the first read)
WALK_FROM = 5000


#: the export's columns: the import's own ten first (an export can be imported elsewhere), then
#: what fee collection needs — JMA member ID, facility, where mail goes (送付物設定) and home address
EXPORT_HEADINGS = ("医籍登録番号", "姓", "名", "セイ", "メイ", "生年月日", "性別", "メールアドレス",
                   "会員区分", "入会日", "日医会員番号", "所属施設", "送付先", "送付先郵便番号",
                   "送付先住所", "送付停止", "郵便番号", "住所", "状況", "退会日")
# 送付物設定: where the association posts its mail (the seed: 初期値は「所属施設」).
DISPATCH_TO = {"facility": "所属施設", "home": "自宅"}


def export_rows(session: Session, actor: Actor, q: str = "", batch: int = 1000, status: str = "",
                category: str = "", branch: str = ""):
    """Every member in scope matching the list's filters, in list order, as rows of
    EXPORT_HEADINGS — read in batches (a server-side cursor on PostgreSQL), however many: JMA
    exports all its members (and only the current ones, for fee collection). The category, date
    and facility are those of the member's latest membership in the actor's association (empty
    for an admin), and so is the standing (状況, as the list's filter names it: 現会員, 入会予定,
    退会済み with its 退会日; 入会申請中 or 研修会の受講者 for those with none). Raises ValidationFailed."""
    _check_category(session, actor, category)
    # each physician's latest membership here, as one grouped pass over the office's memberships
    # joined once (a correlated max() per row ran twice per physician: 4 s for JMA's 300,000)
    latest = (sa.select(Membership.physician_id, sa.func.max(Membership.id).label("id"))
              .where(Membership.association_id == (actor.association_id or -1))
              .group_by(Membership.physician_id).subquery("latest_here"))
    stmt = (sa.select(Physician.registry_number, Physician.family_name, Physician.given_name, Physician.family_kana,
                      Physician.given_kana, Physician.birth_date, Physician.sex, Physician.email,
                      MemberCategory.code, Membership.since, Physician.jma_member_id, Facility.name,
                      Physician.dispatch_to, Physician.dispatch_stopped, Facility.postal_code, Facility.prefecture,
                      Facility.address, Physician.postal_code, Physician.prefecture, Physician.address,
                      Physician.id)
            .outerjoin(latest, latest.c.physician_id == Physician.id)
            .outerjoin(Membership, Membership.id == latest.c.id)
            .outerjoin(MemberCategory, MemberCategory.id == Membership.category_id)
            .outerjoin(MembershipGroup, MembershipGroup.id == Membership.group_id)
            .outerjoin(Facility, Facility.id == MembershipGroup.facility_id)
            .where(*_matching(actor, q, status, category, below=branch_ids(session, actor, branch)))
            .order_by(*_KANA_ORDER).execution_options(yield_per=batch))
    today = today_jst()
    for rows in session.execute(stmt).partitions():
        ids = [r[20] for r in rows]
        # the standing as the list's screen reads it (the current membership wins, else the latest)
        held_here = _standing_rows(session, actor, ids)
        links = links_here(session, actor, [i for i in ids if i not in held_here])
        former = only_former(session, actor, ids)
        for (registry, family, given, family_kana, given_kana, born, sex, email, category_code, since, jma_id,
             facility, dispatch_to, stopped, f_postal, f_prefecture, f_address, postal, prefecture, address,
             physician_id) in rows:
            standing, until = standing_label(held_here.get(physician_id), links.get(physician_id), today)
            if physician_id in former:  # who they were here; not where they are now (`left_on`)
                yield [registry or "", family, given, family_kana, given_kana, born.isoformat() if born else "",
                       sex, "", category_code or "", since.isoformat() if since else "", jma_id or "", "", "", "", "",
                       "", "", "", standing, until]
                continue
            to_home = dispatch_to == "home" or facility is None
            home = _full_address(prefecture, address)
            yield [registry or "", family, given, family_kana, given_kana, born.isoformat() if born else "", sex, email,
                   category_code or "", since.isoformat() if since else "", jma_id or "", facility or "",
                   DISPATCH_TO["home" if to_home else "facility"], postal if to_home else f_postal,
                   home if to_home else _full_address(f_prefecture, f_address), "停止" if stopped else "", postal, home,
                   standing, until]


def mailing_addresses(session: Session, actor: Actor, physician_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """{physician id: (postal code, address, facility name)} where the office posts to each (送付物設定:
    the facility of their latest membership in the actor's association — any, for an admin — or
    home; home when there is no facility). One query."""
    if not physician_ids:
        return {}
    here = [Membership.association_id == actor.association_id] if actor.association_id else []
    latest = sa.select(sa.func.max(Membership.id)).where(Membership.physician_id == Physician.id, *here) \
        .correlate(Physician).scalar_subquery()
    rows = session.execute(
        sa.select(Physician.id, Physician.dispatch_to, Physician.postal_code, Physician.prefecture, Physician.address,
                  Facility.name, Facility.postal_code, Facility.prefecture, Facility.address)
        .outerjoin(Membership, Membership.id == latest)
        .outerjoin(MembershipGroup, MembershipGroup.id == Membership.group_id)
        .outerjoin(Facility, Facility.id == MembershipGroup.facility_id)
        .where(Physician.id.in_(physician_ids)))
    out = {}
    for pid, dispatch_to, postal, prefecture, address, facility, f_postal, f_prefecture, f_address in rows:
        if dispatch_to == "home" or facility is None:
            out[pid] = (postal or "", _full_address(prefecture, address), "")
        else:
            out[pid] = (f_postal or "", _full_address(f_prefecture, f_address), facility)
    return out


def count_unaddressed(session: Session, actor: Actor, physician_ids: list[int]) -> int:
    """How many of them have no address to post to (mailing_addresses): a notice for them shows
    only the name in its window, which the office is told before printing."""
    addresses = mailing_addresses(session, actor, physician_ids)
    return sum(1 for pid in physician_ids if pid not in addresses or not addresses[pid][1])


def _full_address(prefecture: str | None, address: str | None) -> str:
    """An address with its prefecture in front, once (facility addresses often include it)."""
    prefecture, address = prefecture or "", address or ""
    return address if address.startswith(prefecture) else f"{prefecture}{address}"


_KANA_ORDER = (Physician.family_kana, Physician.given_kana, Physician.id)


def _matching(actor: Actor, q: str, status: str = "", category: str = "", probe: bool = False,
              below: list[int] | None = None) -> list:
    conditions = [scope(actor, probe=probe), *_standing(actor, status, category)]
    if below:  # current members of that association or one below it
        conditions.append(Physician.id.in_(sa.select(Membership.physician_id).where(
            Membership.association_id.in_(below), Membership.status == MembershipStatus.ACTIVE)))
    name, kana_column = Physician.family_name + Physician.given_name, Physician.family_kana + Physician.given_kana
    for term in halfwidth(q).split():
        like, kana = search.contains(term), search.contains(search.as_katakana(term))
        # only the columns the term can be in: kanji are in no kana column, and 医籍登録番号 and
        # login IDs are half-width (ASCII)
        in_kana, in_ascii = not search.has_kanji(term), term.isascii()
        if len(term) < 3 and not in_ascii:
            # shorter than a trigram (高橋, 斉藤): no index helps — the trigram index, asked anyway,
            # returns every physician to recheck, once per spelling. One plain test per row, with
            # every spelling at once (a city's few members read first: see list_members)
            conditions.append(sa.or_(*(search.has_text(name, spelling) for spelling in search.spellings(term)),
                                     *([search.has_text(kana_column, search.as_katakana(term))] if in_kana else [])))
            continue
        # a UNION of one SELECT per column, not an OR: each side is read through its own (trigram,
        # on PostgreSQL) index, where the OR with a subquery made every search read every physician
        found = sa.union(
            # the name as typed and in its other kanji forms (高橋 finds 髙橋), one SELECT each
            *(sa.select(Physician.id).where(name.like(search.contains(spelling), escape=search.ESCAPE))
              for spelling in search.spellings(term)),
            *([sa.select(Physician.id).where(kana_column.like(kana, escape=search.ESCAPE))] if in_kana else []),
            *([sa.select(Physician.id).where(Physician.registry_number.like(like, escape=search.ESCAPE)),
               # a former member's login ID is not the office's to see (decision 0050), nor to find
               sa.select(UserAccount.physician_id).join(Physician, Physician.id == UserAccount.physician_id).where(
                   UserAccount.login_id.like(like, escape=search.ESCAPE), scope(actor, former=False, probe=True))]
              if in_ascii else []))
        conditions.append(Physician.id.in_(found))
    return conditions


def _standing(actor: Actor, status: str, category: str) -> list:
    """Conditions on Physician for the list's status and category filters, in the actor's own
    association (an admin: in any). Raises ValidationFailed naming a bad one."""
    errors = {}
    if status and status not in STATUSES:
        errors["status"] = ("choose_from_list", {})
    if category and not actor.association_id:
        errors["category"] = ("choose_from_list", {})
    if errors:
        raise ValidationFailed(errors, context="members")
    here = [Membership.association_id == actor.association_id] if actor.association_id else []
    current = sa.select(Membership.physician_id).where(*here, Membership.status == MembershipStatus.ACTIVE)
    conditions = []
    if status == "active":
        conditions.append(Physician.id.in_(current.where(Membership.since <= today_jst())))
    elif status == "upcoming":  # approved from a later date: an enrolment, or a transfer in
        later = current.where(Membership.since > today_jst())
        if actor.association_id:
            later = sa.union(later, _moving_in(actor.association_id))
        conditions += [Physician.id.in_(later), Physician.id.not_in(current.where(Membership.since <= today_jst()))]
    elif status == "former":
        conditions += [Physician.id.in_(sa.select(Membership.physician_id).where(
            *here, Membership.status != MembershipStatus.ACTIVE)), Physician.id.not_in(current)]
    elif status == "applying":
        # an enrolment, or a transfer into the association, under review (a transfer's leave part is
        # no joining: the physician is this office's member already, and so not in the list here)
        conditions += [Physician.id.in_(sa.select(Application.physician_id).join(ApplicationPart).where(
            *([ApplicationPart.association_id == actor.association_id] if actor.association_id else []),
            ApplicationPart.action == PartAction.JOIN, Application.kind.in_(("enrolment", "transfer")),
            Application.status.in_(OPEN_STATUSES))), Physician.id.not_in(current)]
    elif status == "attendee":
        if not actor.association_id:
            raise ValidationFailed({"status": ("choose_from_list", {})}, context="members")
        conditions += [Physician.id.in_(_attended_here(actor)), Physician.id.not_in(
            sa.select(Membership.physician_id).where(*here))]
    if category:
        conditions.append(Physician.id.in_(current.join(MemberCategory, MemberCategory.id == Membership.category_id)
                                           .where(MemberCategory.code == category)))
    return conditions


def standing_label(membership: Membership | None, link: str | None, today) -> tuple[str, str]:
    """(状況, 退会日) of a physician in an office, in the words of the list's filter: 現会員, 入会予定,
    退会済み or 異動により退会 (with the last day), or, without a membership there, 入会申請中 or
    研修会の受講者 (`link`, from links_here)."""
    if membership is None:
        return {"moving_in": MOVING_IN, "reviewing": REVIEWING}.get(link or "", STATUSES.get(link or "", "")), ""
    if membership.status == MembershipStatus.ACTIVE:
        return STATUSES["upcoming" if membership.since > today else "active"], ""
    until = membership.until.isoformat() if membership.until else ""
    return ("異動により退会" if membership.status == MembershipStatus.MOVED else STATUSES["former"]), until


def _standing_rows(session: Session, actor: Actor, physician_ids: list[int]) -> dict:
    """standing_here as plain rows (status, since, until) — what standing_label reads — for the
    export, which reads a prefecture's 300,000 without building a Membership and its category each."""
    if not actor.association_id or not physician_ids:
        return {}
    return _current_or_latest(session.execute(
        sa.select(Membership.physician_id, Membership.status, Membership.since, Membership.until)
        .where(Membership.association_id == actor.association_id, Membership.physician_id.in_(physician_ids))
        .order_by(Membership.since)))


def _current_or_latest(rows) -> dict:
    """{physician id: membership} from rows in order of their start: the current one wins, else the
    latest."""
    found: dict = {}
    for m in rows:
        if m.physician_id not in found or found[m.physician_id].status != MembershipStatus.ACTIVE:
            found[m.physician_id] = m
    return found


def standing_here(session: Session, actor: Actor, physician_ids: list[int]) -> dict[int, Membership]:
    """{physician id: their membership in the actor's association} for a page of the list (the
    current one if any, else the latest). One query; {} for an actor without an association."""
    if not actor.association_id or not physician_ids:
        return {}
    return _current_or_latest(session.scalars(sa.select(Membership).where(
        Membership.association_id == actor.association_id, Membership.physician_id.in_(physician_ids))
        .options(selectinload(Membership.category)).order_by(Membership.since)))


def categories_asked(session: Session, actor: Actor, physician_ids: list[int]) -> dict[int, MemberCategory]:
    """{physician id: the member category asked for} of the applicants to the actor's association
    on a page of the list (an open application's join of it): what 入会申請中 is for."""
    if not actor.association_id or not physician_ids:
        return {}
    rows = session.execute(sa.select(Application.physician_id, MemberCategory).join(
        ApplicationPart, ApplicationPart.application_id == Application.id).join(
        MemberCategory, MemberCategory.id == ApplicationPart.category_id).where(
        Application.physician_id.in_(physician_ids), Application.status.in_(OPEN_STATUSES),
        ApplicationPart.association_id == actor.association_id, ApplicationPart.action == PartAction.JOIN)
        .order_by(Application.id))
    return {physician_id: category for physician_id, category in rows}


def _check_category(session: Session, actor: Actor, category: str) -> None:
    if category and category not in {c.code for c in categories_here(session, actor)}:
        raise ValidationFailed({"category": ("choose_from_list", {})}, context="members")


def categories_here(session: Session, actor: Actor) -> list[MemberCategory]:
    if not actor.association_id:
        return []
    return list(session.scalars(sa.select(MemberCategory).where(MemberCategory.association_id == actor.association_id)
                                .order_by(MemberCategory.sort_order, MemberCategory.code)))


def account_of(session: Session, physician_id: int) -> UserAccount | None:
    return session.scalar(sa.select(UserAccount).where(UserAccount.physician_id == physician_id))


def memberships_in_scope(session: Session, actor: Actor, physician_id: int) -> list[Membership]:
    """The physician's memberships (their whole chains) — for an office, only when the physician
    is a member of it or applies to it: one linked by a session alone shows none, a former member
    only the office's own (`left_on`)."""
    get_member(session, actor, physician_id)
    if actor.association_id and not session.scalar(sa.select(sa.func.count()).select_from(Physician).where(
            Physician.id == physician_id, scope(actor, attendees=False))):
        return []  # seen only as an attendee of the office's sessions
    own = [Membership.association_id == actor.association_id] if left_on(session, actor, physician_id) else []
    return list(session.scalars(sa.select(Membership).where(Membership.physician_id == physician_id, *own)
                                .options(selectinload(Membership.association), selectinload(Membership.category))
                                .order_by(Membership.group_id, Membership.layer.desc())))


def profile_history(session: Session, actor: Actor, physician_id: int) -> list[ProfileChange]:
    """The changes of the physician's registered data, newest first — for a former member's office,
    those made while they were its member (`left_on`)."""
    get_member(session, actor, physician_id)
    left = left_on(session, actor, physician_id)
    until = [ProfileChange.at < jst_day_start(left + dt.timedelta(days=1))] if left else []
    return list(session.scalars(sa.select(ProfileChange).where(ProfileChange.physician_id == physician_id, *until)
                                .order_by(ProfileChange.at.desc(), ProfileChange.id.desc())))


def affiliations(session: Session, physician_ids, within: list[int] | None = None) -> dict[int, str]:
    """所属医師会 (受講者名簿, a prefecture's 認定医名簿): each physician's nearest association (the lowest
    layer of each of their membership groups, a member of two joined by 、), by physician id; a
    non-member has none. The associations share their members' affiliations (seed 003, 共同利用);
    `within` keeps to those associations (a prefecture's roster says nothing of another prefecture)."""
    ids = set(physician_ids)
    if not ids:
        return {}
    nearest: dict[tuple[int, int], tuple[int, str]] = {}
    for physician_id, group_id, layer, name in session.execute(
            sa.select(Membership.physician_id, Membership.group_id, Membership.layer, Association.name)
            .join(Association, Association.id == Membership.association_id)
            .where(Membership.physician_id.in_(ids), Membership.status == MembershipStatus.ACTIVE,
                   *([Membership.association_id.in_(within)] if within is not None else []))
            .order_by(Membership.group_id)):
        if (physician_id, group_id) not in nearest or layer > nearest[physician_id, group_id][0]:
            nearest[physician_id, group_id] = (layer, name)
    out: dict[int, list[str]] = {}
    for (physician_id, _), (_, name) in nearest.items():
        out.setdefault(physician_id, []).append(name)
    return {physician_id: "、".join(names) for physician_id, names in out.items()}
