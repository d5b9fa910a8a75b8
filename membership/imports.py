"""Import of an association's existing member data (データ取込み) from CSV, all or nothing.

Columns (header row, UTF-8 with or without BOM, or cp932 as Excel saves it):
医籍登録番号, 姓, 名, セイ, メイ, 生年月日, 性別, メールアドレス, 会員区分, 入会日
A dry run checks every row and lists every row's errors; the import itself checks again and
writes nothing unless every row is good. Each row becomes a physician (or is matched to the
existing one by 医籍登録番号) with an active membership of the importing association.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import associations, audit, fields, postal
from .actors import Actor
from .associations import holds_members
from .db import is_postgresql, serialise, utcnow
from .errors import Forbidden, ValidationFailed
from .fields import FieldError
from .memberships import assign_jma_member_id
from .models import (
    Application,
    ApplicationPart,
    Association,
    AuditEvent,
    MemberCategory,
    Membership,
    MembershipEvent,
    MembershipGroup,
    Physician,
    UserAccount,
)
from .statuses import MembershipStatus

COLUMNS = ("医籍登録番号", "姓", "名", "セイ", "メイ", "生年月日", "性別", "メールアドレス", "会員区分", "入会日")
#: columns read when the file has them (an association's ledger usually does): written for a physician
#: the import registers, never over what a registered physician keeps for themselves
OPTIONAL_COLUMNS = ("医籍登録日", "卒業年月", "出身校", "携帯電話", "電話番号", "郵便番号", "住所")
#: 性別 as written, or as the JIS X 0303 code association ledgers use (1 男, 2 女)
SEX = {"男": "M", "男性": "M", "M": "M", "1": "M", "女": "F", "女性": "F", "F": "F", "2": "F"}
#: rows per file, as the other imports: written in the background (membership.import_runs), 10,000
#: rows take about 11 s on PostgreSQL
MAX_ROWS = 50000
#: rows per file on SQLite (the embedded default), whose one writer would hold the whole database
#: for the import's length — 10,000 rows ≈ 6 s; at 50,000 other requests waited past their 15 s
SQLITE_MAX_ROWS = 10000


def row_cap(session: Session, cap: int) -> int:
    """The rows an import file may have on this database."""
    return cap if is_postgresql(session) else min(cap, SQLITE_MAX_ROWS)


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed.one("file", "bad_encoding")


def open_csv(raw: bytes, columns) -> csv.DictReader:
    """A reader of the file's rows by its header: any encoding `decode` knows, any line ending
    (Excel for Mac writes CR alone). ValidationFailed ("file") for an unreadable header or a
    missing column; iterate it through `rows_or_refusal` so that a broken row is an error, not a
    crash."""
    reader = csv.DictReader(io.StringIO(decode(raw), newline=None))
    try:
        # a heading as a spreadsheet may leave it ("医籍登録番号 " with a space) is that heading
        header = reader.fieldnames = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ValidationFailed.one("file", "csv_unreadable", line=1) from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValidationFailed.one("file", "missing_columns", columns=missing)
    return reader


def rows_or_refusal(reader, field: str):
    """A csv reader's rows; the row it cannot read is ValidationFailed on `field` naming the line
    where that row starts."""
    while True:
        start = reader.line_num + 1  # the lines read so far, then the row's first line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationFailed.one(field, "csv_unreadable", line=start) from exc
        yield row


def numbered_rows(reader, field: str):
    """(line, row) for each row of a csv reader with something in it: `line` is where the row
    starts in the file, as a spreadsheet or an editor numbers it (blank lines counted, a quoted cell
    over several lines counted whole). Rows whose every cell is empty — Excel writes them (,,,,)
    below the data — are passed over: they hold nothing to import. A row the reader cannot read is
    ValidationFailed on `field`."""
    for row in rows_or_refusal(reader, field):
        values = row.values() if isinstance(row, dict) else row
        # the cells past the header's columns too (a dict reader keeps them as a list)
        cells = [c for v in values for c in (v if isinstance(v, list) else [v]) if isinstance(c, str)]
        if not any(cell.strip() for cell in cells):
            continue
        # the reader stands at the row's last line: step back over the line breaks inside it
        yield reader.line_num - sum(cell.count("\n") for cell in cells), row


class Rows(list):
    """A file's rows (dicts by its header), with `lines`: where each starts in the file."""

    lines: list[int]


def read_rows(raw: bytes, columns, max_rows: int) -> Rows:
    """A CSV file's rows by its header, or ValidationFailed ("file") when it cannot be read at all:
    encoding, a missing column, a broken row, too many rows, none."""
    numbered = list(numbered_rows(open_csv(raw, columns), "file"))
    if len(numbered) > max_rows:
        raise ValidationFailed.one("file", "too_many", max=max_rows)
    if not numbered:
        raise ValidationFailed.one("file", "empty_file")
    rows = Rows(row for _, row in numbered)
    rows.lines = [line for line, _ in numbered]
    return rows


def as_registry_number(raw) -> str:
    """A 医籍登録番号 as a file holds it: Excel drops the leading zeros of a number (012345 → 12345),
    so one of fewer than six digits is padded back; anything else as written."""
    number = fields.halfwidth(raw)
    return number.zfill(6) if number.isdigit() and len(number) < 6 else number


def physician_finder(session: Session, rows: list[dict], column: str = "医籍登録番号"):
    """For a file naming physicians by 医籍登録番号: `find(row, errors)` → the physician's id, or
    None with the column's error recorded. One query for the whole file."""
    physicians = dict(session.execute(sa.select(Physician.registry_number, Physician.id).where(
        Physician.registry_number.in_({as_registry_number(r.get(column)) for r in rows}))).all())

    def find(row: dict, errors: dict) -> int | None:
        number = as_registry_number(row.get(column))
        found = physicians.get(number)
        if found is None:
            errors[column] = ("unknown_physician", {"value": number[:10]})
        return found

    return find


def refuse(problems: list[dict], good: int = 0) -> ValidationFailed:
    """The error an import raises when any row is bad: nothing is written; the rows' problems (and
    how many rows had none) ride along."""
    exc = ValidationFailed.one("file", "import_has_errors", count=len(problems))
    exc.problems = problems
    exc.good = good
    return exc


def check(session: Session, actor: Actor, raw: bytes) -> tuple[list[dict], list[dict]]:
    """(clean rows, problems [{line, errors: {column: (key, params)}}]). Raises ValidationFailed
    for a file that cannot be read at all (encoding, header, size) and Forbidden for non-staff."""
    if not actor.is_secretariat or not holds_members(session.get(Association, actor.association_id)):
        raise Forbidden()
    reader = open_csv(raw, COLUMNS)
    categories = {c.code: c for c in session.scalars(sa.select(MemberCategory).where(
        MemberCategory.association_id == actor.association_id))}
    # a code typed in another case (a-1 for A-1) is that code, where no two codes differ by case alone
    by_case: dict[str, list] = {}
    for c in categories.values():
        by_case.setdefault(c.code.upper(), []).append(c)
    folded = {upper: found[0] for upper, found in by_case.items() if len(found) == 1}
    seen: set[str] = set()
    clean, problems = [], []
    jma = associations.layer_of(session, actor.association_id) == 1
    cap = row_cap(session, MAX_ROWS)
    for count, (line, row) in enumerate(numbered_rows(reader, "file"), start=1):
        if count > cap:
            raise ValidationFailed.one("file", "too_many", max=cap)
        errors: dict[str, tuple[str, dict]] = {}

        def take(column, rule, row=row, errors=errors):
            try:
                return rule(row.get(column))
            except FieldError as exc:
                errors[column] = (exc.key, exc.params)
                return None

        item = {
            "registry_number": take("医籍登録番号", fields.registry_number),
            "family_name": take("姓", fields.name), "given_name": take("名", fields.name),
            "family_kana": take("セイ", lambda v: fields.kana(v, 64)),
            "given_kana": take("メイ", lambda v: fields.kana(v, 64)),
            "birth_date": take("生年月日", fields.date),
            "email": take("メールアドレス", lambda v: fields.email(v) if (v or "").strip() else ""),
            "since": take("入会日", lambda v: fields.date(v, past=True)),
            # optional (the export writes it): JMA's own number for its members, read by JMA alone
            "jma_member_id": take(JMA_ID_COLUMN, _jma_member_id) if jma else "",
            "registry_date": take("医籍登録日", lambda v: fields.date(v, optional=True)),
            "graduated_on": take("卒業年月", fields.month),
            "alma_mater": take("出身校", fields.school),
            "mobile": take("携帯電話", fields.phone), "tel": take("電話番号", fields.phone),
            "postal_code": take("郵便番号", lambda v: fields.postal_code(v) if (v or "").strip() else ""),
            "address": take("住所", _address),
        }
        if "住所" not in errors and (  # as the profile checks them
                wrong := postal.mismatch(item["postal_code"] or "", (item["address"] or ("", ""))[0])):
            errors["住所"] = wrong
        fields.life_order({"生年月日": item["birth_date"], "入会日": item["since"], "医籍登録日": item["registry_date"],
                           "卒業年月": item["graduated_on"]}, errors, "生年月日",
                          {"入会日": fields.MIN_AGE, "医籍登録日": fields.MIN_AGE, "卒業年月": 18},
                          in_order=("卒業年月", "医籍登録日"))
        sex = SEX.get(fields.halfwidth(row.get("性別")))
        if sex is None:
            errors["性別"] = ("choose_from_list", {})
        item["sex"] = sex
        code = fields.halfwidth(row.get("会員区分"))
        category = categories.get(code) or folded.get(code.upper())
        if category is None:
            errors["会員区分"] = ("unknown_category_code", {"code": row.get("会員区分") or ""})
        item["category"] = category
        if item["registry_number"] in seen:
            errors["医籍登録番号"] = ("duplicate_in_file", {})
        if item["registry_number"]:
            seen.add(item["registry_number"])
        if errors:
            problems.append({"line": line, "errors": errors})
        else:
            item["line"] = line
            clean.append(item)
    if not clean and not problems:
        raise ValidationFailed.one("file", "empty_file")
    # A row naming a physician already registered must be that physician: フリガナ and birth date
    # as registered. The number alone would let any office claim anyone (and then see and act for
    # them, decision 0034).
    known = {p.registry_number: p for p in session.scalars(sa.select(Physician).where(
        Physician.registry_number.in_([r["registry_number"] for r in clean])))}
    if known and identity_refusals(session, actor.association_id) >= IDENTITY_REFUSALS_PER_DAY:
        # the check says whether a kana and birth date belong to a number: tried row after row, it
        # would tell anyone's birth date (decision 0053)
        raise ValidationFailed.one("file", "import_identity_throttled", max=IDENTITY_REFUSALS_PER_DAY)
    for item in list(clean):
        physician = known.get(item["registry_number"])
        if physician is not None and not _same_person(physician, item):
            clean.remove(item)
            problems.append({"line": item["line"], "errors": {"医籍登録番号": ("registry_identity_mismatch", {})}})
    # a physician whose application to join this association is under review is decided there: an
    # imported membership beside it would become a second one when the application is approved
    pending = joining(session, actor.association_id, [p.id for p in known.values()])
    for item in list(clean):
        physician = known.get(item["registry_number"])
        if physician is not None and physician.id in pending:
            clean.remove(item)
            problems.append({"line": item["line"], "errors": {"医籍登録番号": (
                "import_pending_application", {"application_id": pending[physician.id]})}})
    if not jma:
        _outside_the_line(session, actor, known, clean, problems)
    if jma:
        # JMA's members belong to a prefecture (SPEC §1: only layers 3 and 4 may be skipped): a row
        # for a physician no prefecture holds yet would make a chain with a hole, which the
        # cascades of withdrawals cannot follow — the prefectures' data comes first
        in_prefecture = set(session.scalars(sa.select(Membership.physician_id).where(
            Membership.physician_id.in_([p.id for p in known.values()]), Membership.layer == 2,
            Membership.status == MembershipStatus.ACTIVE)))
        for item in list(clean):
            physician = known.get(item["registry_number"])
            if physician is None or physician.id not in in_prefecture:
                clean.remove(item)
                problems.append({"line": item["line"], "errors": {"医籍登録番号": ("jma_needs_prefecture", {})}})
        # a 日医会員番号 given is the physician's own: not another's, not a second one
        given = [item["jma_member_id"] for item in clean if item["jma_member_id"]]
        holders = {number: registry for number, registry in session.execute(sa.select(
            Physician.jma_member_id, Physician.registry_number).where(Physician.jma_member_id.in_(given)))}
        counted = Counter(given)
        for item in list(clean):
            number, physician = item["jma_member_id"], known.get(item["registry_number"])
            if not number:
                continue
            taken = holders.get(number) not in (None, item["registry_number"]) or counted[number] > 1
            differs = physician is not None and physician.jma_member_id not in (None, "", number)
            if taken or differs:
                clean.remove(item)
                problems.append({"line": item["line"], "errors": {JMA_ID_COLUMN: (
                    "jma_member_id_taken" if taken else "jma_member_id_differs", {})}})
    problems.sort(key=lambda p: p["line"])
    return clean, problems


#: an optional column: JMA's member number (10 digits beginning with 3), kept by JMA's import
JMA_ID_COLUMN = "日医会員番号"


def _address(raw) -> tuple[str, str]:
    """住所 as the export writes it — the prefecture in front — as (prefecture, the rest, which the
    profile's rule bounds: 50 characters); an address without one keeps an empty prefecture."""
    value = fields.text(raw, 60)
    prefecture = next((p for p in fields.PREFECTURES if value.startswith(p)), "")
    return prefecture, fields.text(value[len(prefecture):], 50)


def joining(session: Session, association_id: int, physician_ids: list[int]) -> dict[int, int]:
    """{physician id: application id} for the physicians on their way into `association_id`: an
    open application (enrolment or transfer) whose part to join it is undecided, or a transfer whose
    join was approved and waits for its date (its membership begins then)."""
    from .applications import OPEN_APPLICATION, UNDECIDED_PART
    from .statuses import ApplicationStatus, PartAction, PartStatus

    if not physician_ids:
        return {}
    undecided = sa.and_(Application.status.in_(OPEN_APPLICATION), ApplicationPart.status.in_(UNDECIDED_PART))
    waiting = sa.and_(Application.kind == "transfer", ApplicationPart.status == PartStatus.APPROVED,
                      Application.status.in_((*OPEN_APPLICATION, ApplicationStatus.APPROVED)))
    return dict(session.execute(sa.select(Application.physician_id, sa.func.min(Application.id)).join(
        ApplicationPart, ApplicationPart.application_id == Application.id).where(
        Application.physician_id.in_(physician_ids), ApplicationPart.action == PartAction.JOIN,
        ApplicationPart.association_id == association_id, sa.or_(undecided, waiting))
        .group_by(Application.physician_id)).all())


def _jma_member_id(raw) -> str:
    number = fields.halfwidth(raw)
    if number and not re.fullmatch(r"3[0-9]{9}", number):
        raise FieldError("jma_member_id_rule")
    return number


def _same_person(physician: Physician, item: dict) -> bool:
    return (physician.birth_date is not None and physician.birth_date == item["birth_date"]
            and fields.bare_kana(physician.family_kana) == fields.bare_kana(item["family_kana"])
            and fields.bare_kana(physician.given_kana) == fields.bare_kana(item["given_kana"]))


#: rows naming a registered physician with another kana or birth date, per office and day
IDENTITY_REFUSALS_PER_DAY = 20


def identity_refusals(session: Session, association_id: int | None) -> int:
    """The rows an office's imports were refused in the last 24 hours for naming a registered
    physician with another kana or birth date (note_identity_refusals)."""
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "association", AuditEvent.object_id == association_id,
        AuditEvent.action == "members.identity_refused", AuditEvent.at >= utcnow() - dt.timedelta(days=1))) or 0


def note_identity_refusals(session: Session, actor: Actor, problems: list[dict]) -> bool:
    """Record each row refused for another physician's identity (whatever else became of the
    check: the caller commits it even when it rolled the import back). True when any was."""
    refused = [p["line"] for p in problems if ("registry_identity_mismatch", {}) in p["errors"].values()]
    for line in refused:
        audit.record(session, actor, "members.identity_refused", "association", actor.association_id, line=line)
    return bool(refused)


def _outside_the_line(session: Session, actor: Actor, known: dict[str, Physician], clean: list[dict],
                      problems: list[dict]) -> None:
    """Refuse the rows of physicians the office's line does not hold: an active member of another
    line (another district, another prefecture), or a physician who registered in person. An import
    makes its rows the office's members, and so shows it their data and lets it act for them — told
    to nobody. They are asked for by an enrolment (filed for them), which they are told of and every
    layer reviews (decision 0053). An import may still extend a chain of its own line (the city's
    members, imported by the prefecture), add again its own, or take a ledger-only physician with no
    membership and no login."""
    ids = [p.id for p in known.values()]
    if not ids:
        return
    layer = associations.layer_of(session, actor.association_id)
    held = set(_chains_here(session, actor.association_id, layer, ids)) | set(session.scalars(
        sa.select(Membership.physician_id).where(Membership.association_id == actor.association_id,
                                                 Membership.physician_id.in_(ids))))
    elsewhere = set(session.scalars(sa.select(Membership.physician_id).where(
        Membership.physician_id.in_(ids), Membership.status == MembershipStatus.ACTIVE)))
    elsewhere |= set(session.scalars(sa.select(UserAccount.physician_id).where(UserAccount.physician_id.in_(ids))))
    for item in list(clean):
        physician = known.get(item["registry_number"])
        if physician is not None and physician.id in elsewhere and physician.id not in held:
            clean.remove(item)
            problems.append({"line": item["line"], "errors": {"医籍登録番号": ("import_known_elsewhere", {})}})


def _chains_here(session: Session, association_id: int, layer: int, physician_ids: list[int]) -> dict:
    """{physician id: the group whose chain this association continues} — a group with no active
    membership at `layer` whose active memberships are each below it in this association's
    descendants or above it in its ancestors: the association extends the chain at its bottom or
    top, or fills the hole an earlier import left in it (JMA and the city imported before the
    prefecture). The first such group, for two."""
    if not physician_ids:
        return {}
    tree = associations.parents(session)

    def under(aid, ancestor) -> bool:
        return ancestor in associations.lineage(tree, aid)

    found: dict[int, MembershipGroup] = {}
    groups = session.scalars(sa.select(MembershipGroup).where(MembershipGroup.physician_id.in_(physician_ids))
                             .options(selectinload(MembershipGroup.memberships)).order_by(MembershipGroup.id))
    for group in groups:
        active = [m for m in group.memberships if m.status == MembershipStatus.ACTIVE]
        if group.physician_id in found or not active:
            continue
        if layer == 1 and not any(m.layer == 2 for m in active):
            continue  # JMA continues the chain its prefecture holds, never a city's alone
        if all((m.layer > layer and under(m.association_id, association_id))
               or (m.layer < layer and under(association_id, m.association_id)) for m in active):
            found[group.physician_id] = group
    return found


def import_members(session: Session, actor: Actor, raw: bytes) -> int:
    """Write every row, or nothing: raises ValidationFailed (with the per-row problems in
    `params["problems"]`) when any row is bad. Returns the number of memberships created."""
    # two imports at once (two clerks, or two offices naming the same new physician) would each
    # see the other's rows missing: they run one after the other, the second seeing the first's
    serialise(session, "members.import")
    clean, problems = check(session, actor, raw)
    if problems:
        raise refuse(problems, good=len(clean))
    existing = {p.registry_number: p for p in session.scalars(sa.select(Physician).where(
        Physician.registry_number.in_([r["registry_number"] for r in clean])))}
    if is_postgresql(session) and existing:
        # the physicians named are locked as a filing locks its applicant (applications.lock_applicant),
        # in one order: an enrolment filed from now on waits and then sees the imported membership,
        # and one filed since the check is seen here (SQLite's one writer serialises both already)
        session.execute(sa.select(Physician.id).where(Physician.id.in_([p.id for p in existing.values()]))
                        .order_by(Physician.id).with_for_update())
        pending = joining(session, actor.association_id, [p.id for p in existing.values()])
        if pending:
            raise refuse([{"line": item["line"], "errors": {"医籍登録番号": ("import_pending_application", {
                "application_id": pending[existing[item["registry_number"]].id]})}} for item in clean
                if item["registry_number"] in existing and existing[item["registry_number"]].id in pending],
                good=len(clean) - len(pending))
    members_here = set(session.scalars(sa.select(Membership.physician_id).where(
        Membership.association_id == actor.association_id,
        Membership.physician_id.in_([p.id for p in existing.values()]))))
    layer = session.get(Association, actor.association_id).layer
    # Written in four batches (physicians, groups, memberships, events), each one flush: SQLAlchemy
    # sends a batch as multi-row INSERTs, where a flush per row made 5,000 rows take 18 s.
    wanted = []
    for item in clean:
        physician = existing.get(item["registry_number"])
        if physician is not None and physician.id in members_here:
            continue  # already a member here: importing twice changes nothing
        if physician is None:
            prefecture, address = item["address"] or ("", "")
            physician = Physician(registry_number=item["registry_number"], family_name=item["family_name"],
                                  given_name=item["given_name"], family_kana=item["family_kana"],
                                  given_kana=item["given_kana"], birth_date=item["birth_date"], sex=item["sex"],
                                  email=item["email"] or "", registry_date=item["registry_date"],
                                  graduated_on=item["graduated_on"] or "", alma_mater=item["alma_mater"] or "",
                                  mobile=item["mobile"] or "", tel=item["tel"] or "",
                                  postal_code=item["postal_code"] or "", prefecture=prefecture, address=address)
            session.add(physician)
        wanted.append((item, physician))
    session.flush()
    # a physician whose chain below or above this association is already recorded (the city, or the
    # prefecture, imported first) joins it in that group: one chain, which a withdrawal below then
    # cascades up (SPEC §1)
    below = _chains_here(session, actor.association_id, layer, [p.id for _, p in wanted if p.id is not None])
    groups = [below.get(physician.id) or MembershipGroup(physician_id=physician.id) for _, physician in wanted]
    session.add_all([g for g in groups if g.id is None])
    session.flush()
    memberships = [Membership(group_id=group.id, physician_id=physician.id, association_id=actor.association_id,
                              category_id=item["category"].id, layer=layer, since=item["since"],
                              status=MembershipStatus.ACTIVE.value)
                   for (item, physician), group in zip(wanted, groups, strict=True)]
    session.add_all(memberships)
    session.flush()
    if memberships:  # no id wanted back: one executemany
        session.execute(sa.insert(MembershipEvent), [
            {"membership_id": membership.id, "physician_id": membership.physician_id,
             "association_id": actor.association_id, "kind": "joined", "on_date": membership.since,
             "actor_user_id": actor.user_id, "note": "imported"} for membership in memberships])
    if layer == 1:  # JMA's members have their number: the file's, else a new one (as at an approval)
        for item, physician in wanted:
            if item["jma_member_id"] and not physician.jma_member_id:
                physician.jma_member_id = item["jma_member_id"]
            else:
                assign_jma_member_id(session, actor, physician)
    created = len(memberships)
    audit.record(session, actor, "members.import", "association", actor.association_id, created=created,
                 rows=len(clean))
    return created

