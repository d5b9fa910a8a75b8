"""Training sessions (研修会): filed by an association, approved by its prefecture and JMA (an
application of kind "session" reviewed layer by layer like any other), applied for by physicians
(first come, first served up to the capacity, then on a waiting list — キャンセル待ち — whose first
is given a place that is freed, and told by mail), and reported (開催報告) with the attendance, which
puts the session's credits on each attendee's ledger in one transaction.

Who sees what (seed 004): the organiser sees its own sessions and their attendees; a prefecture
those held in its prefecture; JMA everything. Before JMA's approval a session is seen only by those;
after it every association and every member sees it (not its attendees).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import accounts, audit, fields, mail, members, search
from .actors import Actor
from .applications import record_submission, reopen_approved
from .certifications import CATEGORIES, SYSTEMS, SYSTEMS_EN, add_credits
from .db import is_postgresql, utcnow
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .fields import JST, FieldError, halfwidth, parse_int, today_jst
from .imports import decode, numbered_rows
from .models import (
    Application,
    ApplicationPart,
    Association,
    Physician,
    SessionCoOrganiser,
    SessionRegistration,
    TrainingSession,
    UserAccount,
)
from .statuses import ApplicationStatus, PartAction, PartStatus

MAX_TITLE = 100
MAX_PLACE = 100
MAX_CAPACITY = 5000


def _prefecture_of(association: Association) -> Association | None:
    node = association
    while node is not None and node.layer > 2:
        node = node.parent
    return node if node is not None and node.layer == 2 else None


def _jma(session: Session) -> Association:
    return session.scalar(sa.select(Association).where(Association.layer == 1).limit(1))


MAX_CONTACT = 200
MAX_FEE = 1_000_000
_TIME = re.compile(r"(\d{1,2})\s*[:：時]\s*(\d{2})\s*分?")


def _time(raw, field: str, errors: dict) -> dt.time | None:
    text = halfwidth(str(raw or "")).replace("：", ":")
    if not text:
        return None
    m = _TIME.fullmatch(text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        errors[field] = ("invalid_time", {})
        return None
    return dt.time(int(m.group(1)), int(m.group(2)))


def _details(data: dict, errors: dict, starts: dt.date | None, ends: dt.date | None,
             kept_apply_by: dt.date | None = None) -> dict:
    """What an attendee needs beyond the day and the place, each optional: the hours (開始・終了時刻,
    9:30 or 9時30分), the fee (参加費, yen, 0 = free; 3,000円 accepted), the last day to apply
    (申込締切, from today — but the one a changed session already had — to the first day) and whom
    to ask (問合せ先). Problems into `errors`."""
    starts_at = _time(data.get("starts_at"), "starts_at", errors)
    ends_at = _time(data.get("ends_at"), "ends_at", errors)
    if starts_at and ends_at and ends_at <= starts_at and (ends is None or ends == starts):
        errors["ends_at"] = ("time_order", {})
    raw_fee = halfwidth(str(data.get("fee") or "")).replace(",", "").removesuffix("円").strip()
    fee = None
    if raw_fee:
        fee = parse_int(raw_fee, 0, MAX_FEE)
        if fee is None:
            errors["fee"] = ("invalid", {})
    apply_by = _date(data.get("apply_by"), "apply_by", errors) if data.get("apply_by") else None
    if apply_by and starts and apply_by > starts:
        errors["apply_by"] = ("date_too_late", {"max": f"{starts:%Y/%m/%d}"})
    elif apply_by and apply_by < today_jst() and apply_by != kept_apply_by:  # nobody could ever apply
        errors["apply_by"] = ("date_in_past", {})
    try:
        contact = fields.text(data.get("contact"), MAX_CONTACT)
    except FieldError as exc:
        errors["contact"] = (exc.key, exc.params)
        contact = ""
    return {"starts_at": starts_at, "ends_at": ends_at, "fee": fee, "apply_by": apply_by, "contact": contact}


DETAILS = ("starts_at", "ends_at", "fee", "apply_by", "contact")


def check_session(session: Session, actor: Actor, data: dict, kept_apply_by: dt.date | None = None) -> dict:
    """A session's filing checked whole, nothing written: every bad field named at once (the
    screen also asks when its own format checks failed). `kept_apply_by`: the 申込締切 a session being
    corrected already has (it may have passed meanwhile). Returns the clean values. Raises
    ValidationFailed, Forbidden."""
    if actor.role != "secretariat":
        raise Forbidden()
    organiser = session.get(Association, actor.association_id)
    errors: dict[str, tuple[str, dict]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = ("required", {})
    elif len(title) > MAX_TITLE:
        errors["title"] = ("too_long", {"max": MAX_TITLE})
    place, starts, ends, capacity = _when_and_where(data, errors)
    details = _details(data, errors, starts, ends, kept_apply_by)
    items = _credit_items(data.get("credit_items") or [], errors)
    co_organisers = _co_organisers(session, organiser, data.get("co_organisers") or [], errors)
    specialist_common = data.get("specialist_common") in (True, "y", "true", "1", 1)
    if specialist_common and starts and "starts_on" not in errors:
        earliest = specialist_common_earliest(today_jst())
        if starts < earliest:
            errors["starts_on"] = ("specialist_common_notice", {"earliest": earliest.strftime("%Y/%m/%d")})
    if errors:
        raise ValidationFailed(errors, context="session")
    return {"organiser": organiser, "title": title, "place": place, "starts": starts, "ends": ends,
            "capacity": capacity, "items": items, "co_organisers": co_organisers,
            "specialist_common": specialist_common, "details": details}


#: 専門医共通講習: filed at least this many months before the session (seed 004)
SPECIALIST_COMMON_MONTHS = 3


def specialist_common_earliest(today: dt.date) -> dt.date:
    """The first day a 専門医共通講習 filed `today` may be held: three calendar months on (the same
    day of the month, or the month's last day when it has no such day)."""
    month = today.month - 1 + SPECIALIST_COMMON_MONTHS
    year, month = today.year + month // 12, month % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(today.day, last))


MAX_SESSION_CREDITS = Decimal(50)


#: credit rows a session may carry (the form shows as many)
MAX_CREDIT_ITEMS = 8


def _credit_items(raw: list, errors: dict) -> list[dict]:
    """The credits per attendee, each row checked on its own and named by its number: a kind from
    the list, once only, 0.5 to 50 in steps of 0.5."""
    items, seen = [], set()
    if len(raw) > MAX_CREDIT_ITEMS:
        errors["credit_items"] = ("too_many", {"max": MAX_CREDIT_ITEMS})
        return []
    for i, item in enumerate(raw):
        row = i + 1
        system, category = item.get("system"), item.get("category")
        try:
            credits = Decimal(str(item.get("credits")))
            ok = Decimal(0) < credits <= MAX_SESSION_CREDITS and credits == credits.quantize(Decimal("0.5"))
        except ArithmeticError:
            ok = False
        if system not in SYSTEMS or category not in CATEGORIES.get(system, {}):
            errors[f"credit_items[{i}]"] = ("credit_row_kind", {"row": row})
        elif (system, category) in seen:
            errors[f"credit_items[{i}]"] = ("credit_row_duplicate", {"row": row})
        elif not ok:
            errors[f"credit_items[{i}]"] = ("credit_row_amount", {"row": row, "max": MAX_SESSION_CREDITS})
        else:
            seen.add((system, category))
            items.append({"system": system, "category": category, "credits": str(credits)})
    if not items and not any(k.startswith("credit_items") for k in errors):
        errors["credit_items"] = ("required", {})
    return items


def file_session(session: Session, actor: Actor, data: dict) -> Application:
    """A secretariat files a session of its association: title, dates, place, capacity, and the
    credits per attendee ([{system, category, credits}]). Its approval is an application whose
    parts are the prefecture (when the organiser is below it) and JMA. Raises ValidationFailed."""
    clean = check_session(session, actor, data)
    organiser, title, place = clean["organiser"], clean["title"], clean["place"]
    starts, ends, capacity, items = clean["starts"], clean["ends"], clean["capacity"], clean["items"]
    co_organisers = clean["co_organisers"]
    # the layers above the organiser: a prefecture's own session goes to JMA alone (it would
    # otherwise review what it applied for itself, which four-eyes forbids its one office)
    chain = [a for a in (_prefecture_of(organiser), _jma(session)) if a is not None and a.id != organiser.id]
    if organiser.layer == 1:
        chain = [organiser]
    ts = TrainingSession(organiser_association_id=organiser.id, title=title,
                         description=str(data.get("description") or "")[:2000], credit_items=items,
                         starts_on=starts, ends_on=ends, place=place, capacity=capacity,
                         specialist_common=clean["specialist_common"], **clean["details"])
    ts.co_organisations = [SessionCoOrganiser(association_id=a.id, status="invited") for a in co_organisers]
    session.add(ts)
    applicant = session.get(UserAccount, actor.user_id)
    app = Application(kind="session", status=ApplicationStatus.SUBMITTED.value, physician_id=None,
                      applicant_user_id=actor.user_id, filed_by_user_id=actor.user_id, submitted_at=utcnow(),
                      payload={"title": title, "organiser": organiser.name, "organiser_id": organiser.id,
                               **({"specialist_common": True} if clean["specialist_common"] else {})},
                      parts=[ApplicationPart(seq=seq, association_id=a.id, layer=a.layer,
                                             action=PartAction.CERTIFY.value, status=PartStatus.PENDING.value)
                             for seq, a in enumerate(chain)])
    record_submission(session, actor, applicant, app)
    ts.application_id = app.id
    app.payload = {**app.payload, "session_id": ts.id}
    for association in co_organisers:
        _ask(session, actor, ts, association)
    return app


def _ask(session: Session, actor: Actor, ts: TrainingSession, association: Association) -> None:
    """Record and mail a request to co-organise (the row itself is the caller's)."""
    audit.record(session, actor, "session.co_organiser.invite", "training_session", ts.id,
                 association_id=association.id)
    mail.send(session, association.email, "session_co_invited", association=association.name,
              organiser=ts.organiser.name, title=ts.title, starts_on=f"{ts.starts_on:%Y/%m/%d}", session_id=ts.id)


#: a co-organiser's answer to the organiser's request (共催), as the screens and board material say it
CO_STATES = {"invited": "回答待ち", "accepted": "承諾", "declined": "辞退"}

#: what an amendment of a returned session may change (its co-organisers are asked and dropped apart)
AMENDABLE = ("title", "description", "starts_on", "ends_on", "place", "capacity", "credit_items", "specialist_common",
             *DETAILS)


def as_filed(ts: TrainingSession) -> dict:
    """The session as its filing form sends it (the AMENDABLE keys): what an amendment starts from."""
    return {"title": ts.title, "description": ts.description, "starts_on": ts.starts_on.isoformat(),
            "ends_on": ts.ends_on.isoformat(), "place": ts.place, "capacity": str(ts.capacity),
            "credit_items": ts.credit_items, "specialist_common": ts.specialist_common, **details_as_filed(ts)}


def details_as_filed(ts: TrainingSession) -> dict:
    """The session's times, fee, deadline and contact as its form sends them."""
    return {"starts_at": f"{ts.starts_at:%H:%M}" if ts.starts_at else "",
            "ends_at": f"{ts.ends_at:%H:%M}" if ts.ends_at else "",
            "fee": "" if ts.fee is None else str(ts.fee), "apply_by": ts.apply_by.isoformat() if ts.apply_by else "",
            "contact": ts.contact or ""}


def contact_of(ts: TrainingSession) -> str:
    """Whom an attendee asks about the session: its own contact, else the organiser's office."""
    if ts.contact:
        return ts.contact
    organiser = ts.organiser
    return " ".join(x for x in (organiser.name, organiser.tel, organiser.email) if x)


def hours(ts: TrainingSession, lang: str = "ja") -> str:
    """The session's days and hours as the screens and mails write them: 2027/03/01 13:00〜16:00
    (in English 13:00–16:00)."""
    dash = "–" if lang == "en" else "〜"
    days = f"{ts.starts_on:%Y/%m/%d}" + (f"{dash}{ts.ends_on:%Y/%m/%d}" if ts.ends_on != ts.starts_on else "")
    if ts.starts_at:
        days += f" {ts.starts_at:%H:%M}{dash}" + (f"{ts.ends_at:%H:%M}" if ts.ends_at else "")
    return days


#: what an amendment reports as changed (to the layers that review it again, and in the audit trail):
#: every field it may change
AMEND_LABELS = {"title": "研修会名", "place": "会場", "starts_on": "開催日", "ends_on": "終了日", "capacity": "定員",
                "credit_items": "単位", "description": "内容", "starts_at": "開始時刻", "ends_at": "終了時刻",
                "fee": "参加費（円）", "apply_by": "申込締切", "contact": "問合せ先",
                "specialist_common": "専門医共通講習"}


#: a changed description is too long for a mail line
DESCRIPTION_CHANGED = "変更あり（研修会のページをご覧ください）"


def _amend_view(ts: TrainingSession) -> dict[str, str]:
    """The amendable fields (AMENDABLE) of a session, each as the change mail writes it."""
    filed = as_filed(ts)
    shown = {k: _shown(v) for k, v in filed.items() if k not in ("credit_items", "specialist_common")}
    return {**shown, "starts_on": _shown(ts.starts_on), "ends_on": _shown(ts.ends_on),
            "credit_items": credits_line(ts.credit_items, sep="・", unit=""),
            "specialist_common": "申請する" if ts.specialist_common else "申請しない"}


def credits_line(items: list[dict], sep: str = "、", unit: str = "単位") -> str:
    """A session's credits in words, as board material and the 受講証明書 write them:
    認定産業医 生涯研修（更新研修） 2単位、生涯教育 講義・講演 1.5単位."""
    def one(item: dict) -> str:
        system, category = item["system"], item["category"]
        return f"{SYSTEMS.get(system, system)} {CATEGORIES.get(system, {}).get(category, category)} " \
               f"{fields.figure(item['credits'])}{unit}"

    return sep.join(one(i) for i in items or [])


def amend_session(session: Session, actor: Actor, app: Application, changes: dict) -> None:
    """The organiser corrects its returned session before resubmitting it (the engine calls this
    when the amendment task is completed): title, dates, place, capacity, description, credits,
    専門医共通講習 — checked as at filing, every bad field named. No changes: resubmitted as it is.
    A layer that approved the session before the return approved other content: it reviews it
    again (applications.reopen_approved), told by mail what changed.
    Raises Forbidden (not the organiser's staff), ValidationFailed."""
    if not changes:
        return
    ts = of_application(session, app)
    if ts is None or actor.role != "secretariat" or ts.organiser_association_id != actor.association_id:
        raise Forbidden()
    unknown = {k: ("unknown_field", {}) for k in changes if k not in AMENDABLE}
    if unknown:
        raise ValidationFailed(unknown, context="session")
    data = {**as_filed(ts), **changes}
    clean = check_session(session, actor, {**data, "co_organisers": []}, ts.apply_by)
    before = _amend_view(ts)
    ts.title, ts.place, ts.starts_on, ts.ends_on = clean["title"], clean["place"], clean["starts"], clean["ends"]
    ts.capacity, ts.credit_items, ts.specialist_common = clean["capacity"], clean["items"], clean["specialist_common"]
    ts.description = str(data.get("description") or "")[:2000]
    for name, value in clean["details"].items():
        setattr(ts, name, value)
    payload = {k: v for k, v in (app.payload or {}).items() if k != "specialist_common"}
    app.payload = {**payload, "title": ts.title, **({"specialist_common": True} if ts.specialist_common else {})}
    session.flush()
    after = _amend_view(ts)
    changed = {k: [v, after[k]] for k, v in before.items() if v != after[k]}
    audit.record(session, actor, "session.amend", "training_session", ts.id, changed=changed)
    if not changed:
        return
    lines = [f"{AMEND_LABELS[k]}: " + (DESCRIPTION_CHANGED if k == "description" else f"{old} → {new}")
             for k, (old, new) in changed.items()]
    for part in reopen_approved(session, actor, app):
        if part.association.email:
            mail.send(session, part.association.email, "session_reopened_office", association=part.association.name,
                      title=ts.title, application_id=app.id, changes=lines)


MAX_CO_ORGANISERS = 5


def _co_organisers(session: Session, organiser: Association, codes: list, errors: dict) -> list[Association]:
    """共催: the associations named (by code) to hold the session with the organiser — any but the
    organiser itself, at most MAX_CO_ORGANISERS."""
    codes = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
    found = list(session.scalars(sa.select(Association).where(Association.code.in_(codes)))) if codes else []
    if len(found) != len(codes) or organiser in found or len(found) > MAX_CO_ORGANISERS:
        errors["co_organisers"] = ("invalid", {})
    return found


#: the states in which the organiser may still ask or drop co-organisers
CO_ORGANISERS_OPEN = ("pending", "approved", "held")


def _organisers_session(session: Session, actor: Actor, session_id: int) -> TrainingSession:
    """The session, locked, for its organiser while co-organisers may still change (Forbidden for
    anyone else, Conflict once it is withdrawn, rejected, called off or reported)."""
    ts = _organisers(session, actor, session_id)
    if state(ts) not in CO_ORGANISERS_OPEN:
        raise Conflict("co_organisers_closed")
    return ts


def ask_co_organisers(session: Session, actor: Actor, session_id: int, codes: list) -> list[SessionCoOrganiser]:
    """The organiser asks more associations to co-organise after filing (one that declined may be
    asked again); each is mailed, as at filing. At most MAX_CO_ORGANISERS asked or accepted at a
    time. Returns the rows asked. Raises Forbidden, Conflict, ValidationFailed."""
    ts = _organisers_session(session, actor, session_id)
    errors: dict[str, tuple[str, dict]] = {}
    wanted = _co_organisers(session, ts.organiser, codes, errors)
    rows = {c.association_id: c for c in ts.co_organisations}
    named = [a.name for a in wanted if a.id in rows and rows[a.id].status != "declined"]
    if not errors and not wanted:
        errors["co_organisers"] = ("required", {})
    elif not errors and named:
        errors["co_organisers"] = ("co_organiser_named", {"names": named})
    elif not errors and len([c for c in rows.values() if c.status != "declined"]) + len(wanted) > MAX_CO_ORGANISERS:
        errors["co_organisers"] = ("too_many", {"max": MAX_CO_ORGANISERS})
    if errors:
        raise ValidationFailed(errors, context="session")
    asked = []
    for association in wanted:
        row = rows.get(association.id)
        if row is None:
            row = SessionCoOrganiser(association_id=association.id, association=association)
            ts.co_organisations.append(row)
        row.status, row.answered_at, row.answered_by_user_id = "invited", None, None
        asked.append(row)
        _ask(session, actor, ts, association)
    session.flush()
    return asked


def drop_co_organiser(session: Session, actor: Actor, session_id: int, code: str) -> SessionCoOrganiser:
    """The organiser withdraws a request or ends a co-organisation: the association no longer sees
    the attendees (nor are they linked to it) and, unless it had declined, is mailed. Raises
    NotFound (not named), Forbidden, Conflict."""
    ts = _organisers_session(session, actor, session_id)
    row = next((c for c in ts.co_organisations if c.association.code == code), None)
    if row is None:
        raise NotFound()
    ts.co_organisations.remove(row)
    session.flush()
    audit.record(session, actor, "session.co_organiser.remove", "training_session", ts.id,
                 association_id=row.association_id, was=row.status)
    if row.status != "declined":
        mail.send(session, row.association.email, "session_co_withdrawn", association=row.association.name,
                  organiser=ts.organiser.name, title=ts.title, session_id=ts.id, accepted=row.status == "accepted")
    return row


def answer_co_organisation(session: Session, actor: Actor, session_id: int, accept: bool) -> SessionCoOrganiser:
    """The secretariat of an association asked to co-organise (共催) accepts or declines. Accepting
    lets it see the attendees (who are then linked to it); declining takes the session out of its
    sight until the session is approved. The organiser's office is mailed the answer. Raises NotFound
    (not asked), Conflict (answered already, or the session is no longer going ahead)."""
    if actor.role != "secretariat":
        raise Forbidden()
    ts = _lock(session, session_id)
    row = session.get(SessionCoOrganiser, (ts.id, actor.association_id), populate_existing=True)
    if row is None:
        raise NotFound()
    if row.status != "invited":
        raise Conflict("co_organisation_answered")
    if state(ts) in ("rejected", "withdrawn", "cancelled"):
        raise Conflict("co_organisation_closed")
    row.status = "accepted" if accept else "declined"
    row.answered_at, row.answered_by_user_id = utcnow(), actor.user_id
    session.flush()
    audit.record(session, actor, f"session.co_organiser.{'accept' if accept else 'decline'}", "training_session",
                 ts.id, association_id=actor.association_id)
    mail.send(session, ts.organiser.email, "session_co_answered", organiser=ts.organiser.name,
              association=row.association.name, title=ts.title, accepted=accept, session_id=ts.id)
    return row


def co_invitations(session: Session, actor: Actor) -> list[TrainingSession]:
    """The sessions whose organiser asked the actor's association to co-organise, not yet answered
    (not those that will not go ahead), soonest first."""
    if actor.role != "secretariat" or not actor.association_id:
        return []
    rows = session.scalars(sa.select(TrainingSession).where(
        TrainingSession.id.in_(members.co_organised_by(actor.association_id, ("invited",))),
        TrainingSession.cancelled_at.is_(None)).order_by(TrainingSession.starts_on, TrainingSession.id))
    return [ts for ts in rows if state(ts) not in ("rejected", "withdrawn")]


def co_organisation_of(session: Session, actor: Actor, ts: TrainingSession) -> SessionCoOrganiser | None:
    """The actor's association's place among the session's co-organisers, if it was named."""
    if actor.role != "secretariat" or not actor.association_id:
        return None
    return session.get(SessionCoOrganiser, (ts.id, actor.association_id))


#: how far ahead a session may be filed, and how long it may last (a typo such as 9999 is caught)
MAX_YEARS_AHEAD = 2
MAX_DAYS_LONG = dt.timedelta(days=30)


def years_ahead(day: dt.date, years: int) -> dt.date:
    """The same day `years` on (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _when_and_where(data: dict, errors: dict) -> tuple[str, dt.date | None, dt.date | None, int | None]:
    """A session's place, first and last day (from tomorrow) and capacity; problems into `errors`."""
    place = str(data.get("place") or "").strip()
    if not place:
        errors["place"] = ("required", {})
    elif len(place) > MAX_PLACE:
        errors["place"] = ("too_long", {"max": MAX_PLACE})
    starts = _date(data.get("starts_on"), "starts_on", errors)
    # the last day is optional: without it the session is one day (no error of its own when the
    # first day is missing too — that one is named)
    ends = _date(data.get("ends_on"), "ends_on", errors) if data.get("ends_on") else starts
    if starts and starts <= today_jst():
        errors["starts_on"] = ("date_in_future", {})
    elif starts and starts > (latest := years_ahead(today_jst(), MAX_YEARS_AHEAD)):
        errors["starts_on"] = ("date_too_late", {"max": f"{latest:%Y/%m/%d}"})
    if starts and ends and ends < starts:
        errors["ends_on"] = ("date_order", {})
    elif starts and ends and "starts_on" not in errors and ends > starts + MAX_DAYS_LONG:
        errors["ends_on"] = ("date_too_late", {"max": f"{starts + MAX_DAYS_LONG:%Y/%m/%d}"})
    capacity = str(data.get("capacity") or "").strip()
    if parse_int(capacity, 1, MAX_CAPACITY) is None:
        errors["capacity"] = ("invalid", {})
        return place, starts, ends, None
    return place, starts, ends, int(capacity)


CHANGE_LABELS = {"place": "会場", "starts_on": "開催日", "ends_on": "終了日", "capacity": "定員", "description": "内容",
                 "starts_at": "開始時刻", "ends_at": "終了時刻", "fee": "参加費（円）", "apply_by": "申込締切",
                 "contact": "問合せ先"}
#: the same in an English mail (decision 0035)
CHANGE_LABELS_EN = {"place": "Place", "starts_on": "Date", "ends_on": "Last day", "capacity": "Places",
                    "description": "Description", "starts_at": "Starting time", "ends_at": "Ending time",
                    "fee": "Fee (yen)", "apply_by": "Apply by", "contact": "Contact"}


def change_session(session: Session, actor: Actor, session_id: int, data: dict) -> dict[str, tuple]:
    """The organiser changes an approved session before it starts: place, dates, capacity,
    description (the title and credits stay as the layers approved them). A capacity below the
    places taken is refused; a larger one gives the new places to the waiting list. Everyone
    registered or waiting is mailed what changed. Returns {field: (old, new)}. Raises Forbidden,
    Conflict, ValidationFailed."""
    ts = _organisers_upcoming(session, actor, session_id)
    errors: dict[str, tuple[str, dict]] = {}
    place, starts, ends, capacity = _when_and_where(data, errors)
    details = _details({**details_as_filed(ts), **{k: data[k] for k in DETAILS if k in data}}, errors, starts, ends,
                       ts.apply_by)
    if ts.specialist_common and starts and "starts_on" not in errors:
        # the three months' notice counts from the filing, and a later change keeps to it
        filed = ts.created_at.replace(tzinfo=dt.UTC).astimezone(JST).date()
        earliest = specialist_common_earliest(filed)
        if starts < earliest:
            errors["starts_on"] = ("specialist_common_moved", {"earliest": earliest.strftime("%Y/%m/%d")})
    taken = registered_count(session, ts.id)
    if capacity is not None and capacity < taken:
        errors["capacity"] = ("capacity_below_registered", {"count": taken})
    if errors:
        raise ValidationFailed(errors, context="session")
    new = {"place": place, "starts_on": starts, "ends_on": ends, "capacity": capacity,
           "description": str(data.get("description") if data.get("description") is not None
                              else ts.description or "")[:2000], **details}
    changed = {k: (getattr(ts, k), v) for k, v in new.items() if getattr(ts, k) != v}
    if not changed:
        return {}
    for field, (_, value) in changed.items():
        setattr(ts, field, value)
    session.flush()
    audit.record(session, actor, "session.change", "training_session", ts.id,
                 changed={k: [str(a), str(b)] for k, (a, b) in changed.items()})
    def lines(lang: str) -> list[str]:
        labels = CHANGE_LABELS_EN if lang == "en" else CHANGE_LABELS
        out = [f"{labels[k]}: {_shown(a)} → {_shown(b)}" for k, (a, b) in changed.items() if k != "description"]
        if "description" in changed:
            out.append(f"{labels['description']}: " + ("changed" if lang == "en" else "変更あり"))
        return out

    _tell_offices(session, ts, changes=lines("ja"))
    promoted = promote_waiting(session, ts) if "capacity" in changed else []
    registrants = _registrants(session, ts)
    langs = accounts.langs_of_physicians(session, [r.physician_id for r in registrants])
    for reg in registrants:
        if reg not in promoted and reg.physician.email:
            lang = langs.get(reg.physician_id, "ja")
            mail.send(session, reg.physician.email, "session_changed", lang=lang, name=reg.physician.full_name,
                      title=ts.title, changes=lines(lang), starts_on=hours(ts, lang), place=ts.place)
    return changed


def cancel_session(session: Session, actor: Actor, session_id: int, reason: str) -> int:
    """The organiser calls off an approved session before it starts (中止), with the reason: every
    place and waiting place is cancelled and their holders are mailed. Returns how many were told.
    Raises Forbidden, Conflict, ValidationFailed (the reason is required)."""
    ts = _organisers_upcoming(session, actor, session_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": ("required", {})}, context="session")
    ts.cancelled_at, ts.cancel_reason = utcnow(), reason[:200]
    told = 0
    registrants = _registrants(session, ts)
    langs = accounts.langs_of_physicians(session, [r.physician_id for r in registrants])
    for reg in registrants:
        reg.status, reg.cancelled_at = "cancelled", utcnow()
        if reg.physician.email:
            mail.send(session, reg.physician.email, "session_cancelled",
                      lang=langs.get(reg.physician_id, "ja"), name=reg.physician.full_name,
                      title=ts.title, starts_on=f"{ts.starts_on:%Y/%m/%d}", reason=ts.cancel_reason)
        told += 1
    audit.record(session, actor, "session.cancel", "training_session", ts.id, reason=ts.cancel_reason, told=told)
    _tell_offices(session, ts, reason=ts.cancel_reason)
    return told


def _tell_offices(session: Session, ts: TrainingSession, changes: list[str] = (), reason: str = "") -> None:
    """The offices that approved the session (prefecture, JMA) and those holding it with the
    organiser (co-organisers that accepted) are told of a change or a call-off, as the registrants are."""
    offices = [p.association for p in (ts.application.parts if ts.application else [])]
    offices += [c.association for c in ts.co_organisations if c.status == "accepted"]
    for office in {o.id: o for o in offices if o.id != ts.organiser_association_id}.values():
        mail.send(session, office.email, "session_changed_office", association=office.name,
                  organiser=ts.organiser.name, title=ts.title, session_id=ts.id, changes=list(changes), reason=reason)


def _organisers_upcoming(session: Session, actor: Actor, session_id: int) -> TrainingSession:
    ts = _organisers(session, actor, session_id)
    if state(ts) != "approved" or ts.starts_on <= today_jst():
        raise Conflict("session_closed")
    return ts


def _registrants(session: Session, ts: TrainingSession) -> list[SessionRegistration]:
    return list(session.scalars(sa.select(SessionRegistration).where(
        SessionRegistration.session_id == ts.id, SessionRegistration.status.in_(("registered", "waiting")))
        .order_by(SessionRegistration.registered_at, SessionRegistration.id)))


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return f"{value:%Y/%m/%d}" if isinstance(value, dt.date) else str(value)


def _date(value, field: str, errors: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        errors[field] = ("required" if not value else "invalid_date", {})
        return None


def board_summaries(session: Session, application_ids: list[int]) -> dict[int, str]:
    """What a board decides on for each session approval among `application_ids` (one query): the
    dates, place, places, credits, 専門医共通講習 and the co-organisers with their answers."""
    rows = session.scalars(sa.select(TrainingSession).where(
        TrainingSession.application_id.in_(application_ids))) if application_ids else []
    out = {}
    for ts in rows:
        days = hours(ts)
        credits = credits_line(ts.credit_items)
        fee = "" if ts.fee is None else ("参加費無料" if ts.fee == 0 else f"参加費{ts.fee:,}円")
        parts = [days, ts.place, f"定員{ts.capacity}名", fee, credits]
        if ts.specialist_common:
            parts.append("専門医共通講習")
        if ts.co_organisations:
            named = "、".join(f"{c.association.name}（{CO_STATES[c.status]}）" for c in ts.co_organisations)
            parts.append(f"共催: {named}")
        out[ts.application_id] = "・".join(p for p in parts if p)
    return out


def of_application(session: Session, app: Application) -> TrainingSession | None:
    if app.kind != "session":
        return None
    return session.scalar(sa.select(TrainingSession).where(TrainingSession.application_id == app.id))


def has_started(ts: TrainingSession, now: dt.datetime | None = None) -> bool:
    """Whether the session has begun (Japan time): its first day has come and, when it says when
    it begins (13:30), that time too — a place may be given up on the morning of an afternoon
    session."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(JST)
    if ts.starts_on != now.date():
        return ts.starts_on < now.date()
    return ts.starts_at is None or now.time() >= ts.starts_at


def state(ts: TrainingSession, today: dt.date | None = None) -> str:
    """pending / approved / rejected / held (ended, not reported) / reported / withdrawn /
    cancelled (中止: called off by the organiser after approval)."""
    status = ts.application.status if ts.application else ApplicationStatus.SUBMITTED.value
    if ts.reported_at:
        return "reported"
    if ts.cancelled_at:
        return "cancelled"
    if status == ApplicationStatus.APPROVED.value:
        return "held" if ts.ends_on < (today or today_jst()) else "approved"
    if status == ApplicationStatus.REJECTED.value:
        return "rejected"
    if status == ApplicationStatus.CANCELLED.value:
        return "withdrawn"
    return "pending"


# --- who sees what ---------------------------------------------------------------------------------

def _staff_scope(session: Session, actor: Actor):
    """The sessions whose attendees this staff member may see (and which it sees before approval)."""
    me = session.get(Association, actor.association_id)
    if me.layer == 1:
        return sa.true()
    co_organised = TrainingSession.id.in_(members.co_organised_by(me.id))
    if me.layer == 2:
        below = _descendants(session, me.id)
        return sa.or_(TrainingSession.organiser_association_id.in_(below), co_organised)
    return sa.or_(TrainingSession.organiser_association_id == me.id, co_organised)


def _descendants(session: Session, association_id: int) -> list[int]:
    ids, todo = [association_id], [association_id]
    while todo:
        found = list(session.scalars(sa.select(Association.id).where(Association.parent_id.in_(todo))))
        ids.extend(found)
        todo = found
    return ids


def _approved():
    return TrainingSession.application.has(Application.status == ApplicationStatus.APPROVED.value)


def _visible(session: Session, actor: Actor):
    if actor.role == "member":
        return _approved()
    if actor.role == "secretariat":
        # an association asked to co-organise sees the session to decide (not its attendees)
        asked = TrainingSession.id.in_(members.co_organised_by(actor.association_id, ("invited",)))
        return sa.or_(_approved(), _staff_scope(session, actor), asked)
    if actor.role == "admin":
        return sa.true()
    return sa.false()


#: the sessions list's page
LIST_PAGE = 50
#: the states a list may be narrowed to (`state`)
STATES = ("pending", "approved", "rejected", "held", "reported", "withdrawn", "cancelled")


def list_filters(raw) -> dict:
    """The sessions list's filters from a query string: q (研修会名・会場・主催), held_from/held_to
    (開催日, either side open), state (STATES), own (the office's own and co-organised sessions), page.
    Raises ValidationFailed naming each field that is wrong."""
    errors: dict[str, tuple[str, dict]] = {}
    out: dict = {"q": (raw.get("q") or "").strip()[:100], "state": raw.get("state") or "",
                 "own": (raw.get("own") or "") in ("1", "true", "on")}
    for name in ("held_from", "held_to"):
        try:
            out[name] = fields.date(raw.get(name) or "", optional=True, past=False)
        except FieldError as exc:
            errors[name] = (exc.key, exc.params)
    if out["state"] not in ("", *STATES):
        errors["state"] = ("choose_from_list", {})
    if out.get("held_from") and out.get("held_to") and out["held_to"] < out["held_from"]:
        errors["held_to"] = ("date_too_early", {"min": f"{out['held_from']:%Y/%m/%d}"})
    page = parse_int(raw.get("page") or "1", 1, 100_000)
    if page is None:
        errors["page"] = ("invalid", {})
    out["page"] = page or 1
    if errors:
        raise ValidationFailed(errors, context="session")
    return out


def _in_state(state: str, today: dt.date):
    """A condition on TrainingSession matching `state()`'s answer."""
    status = sa.select(Application.status).where(Application.id == TrainingSession.application_id) \
        .scalar_subquery()
    open_ = sa.and_(TrainingSession.reported_at.is_(None), TrainingSession.cancelled_at.is_(None))
    return {
        "reported": TrainingSession.reported_at.is_not(None),
        "cancelled": sa.and_(TrainingSession.reported_at.is_(None), TrainingSession.cancelled_at.is_not(None)),
        "held": sa.and_(open_, status == ApplicationStatus.APPROVED.value, TrainingSession.ends_on < today),
        "approved": sa.and_(open_, status == ApplicationStatus.APPROVED.value, TrainingSession.ends_on >= today),
        "rejected": sa.and_(open_, status == ApplicationStatus.REJECTED.value),
        "withdrawn": sa.and_(open_, status == ApplicationStatus.CANCELLED.value),
        "pending": sa.and_(open_, sa.or_(TrainingSession.application_id.is_(None), status.not_in((
            ApplicationStatus.APPROVED.value, ApplicationStatus.REJECTED.value, ApplicationStatus.CANCELLED.value)))),
    }[state]


def listing(session: Session, actor: Actor, q: str = "", held_from: dt.date | None = None,
            held_to: dt.date | None = None, state: str = "", own: bool = False, page: int = 1,
            limit: int | None = LIST_PAGE, upcoming_only: bool = False) -> tuple[list[TrainingSession], int]:
    """The sessions the actor sees (members the approved ones; staff those and, before approval,
    the ones in their scope), narrowed by list_filters' filters, newest first:
    (a page of them — all for `limit=None` —, how many in all). Each term of `q` is looked for in
    the title, the place and the organiser's name."""
    today = today_jst()
    stmt = sa.select(TrainingSession).where(_visible(session, actor))
    if upcoming_only:
        stmt = stmt.where(TrainingSession.ends_on >= today)
    if held_from:
        stmt = stmt.where(TrainingSession.ends_on >= held_from)
    if held_to:
        stmt = stmt.where(TrainingSession.starts_on <= held_to)
    if state:
        stmt = stmt.where(_in_state(state, today))
    if own and actor.association_id:
        stmt = stmt.where(sa.or_(TrainingSession.organiser_association_id == actor.association_id,
                                 TrainingSession.id.in_(members.co_organised_by(actor.association_id))))
    for forms in search.terms(q):
        matches = []
        for term in forms:
            like = search.contains(term)
            organiser = sa.select(Association.id).where(Association.name.ilike(like, escape=search.ESCAPE))
            matches += [TrainingSession.title.ilike(like, escape=search.ESCAPE),  # ABC finds abc, as on SQLite
                        TrainingSession.place.ilike(like, escape=search.ESCAPE),
                        TrainingSession.organiser_association_id.in_(organiser)]
        stmt = stmt.where(sa.or_(*matches))
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    # what the list shows of each (its state, organiser, co-organisers) loaded with it: one query
    # each, where JMA's list of 3,000 sessions read them one session at a time (3,300 statements)
    stmt = stmt.options(selectinload(TrainingSession.application), selectinload(TrainingSession.organiser),
                        selectinload(TrainingSession.co_organisers)) \
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit).offset((max(page, 1) - 1) * limit)
    return list(session.scalars(stmt)), total


def reviewing_at(session: Session, sessions: list[TrainingSession]) -> dict[int, str]:
    """{session id: the association reviewing it now} for the sessions under review (承認待ち says
    where: the prefecture's or JMA's)."""
    by_application = {ts.application_id: ts.id for ts in sessions if ts.application_id}
    if not by_application:
        return {}
    return {by_application[app_id]: name for app_id, name in session.execute(
        sa.select(ApplicationPart.application_id, Association.name)
        .join(Association, Association.id == ApplicationPart.association_id)
        .where(ApplicationPart.application_id.in_(by_application),
               ApplicationPart.status.in_((PartStatus.IN_REVIEW.value, PartStatus.RETURNED.value)))
        .order_by(ApplicationPart.seq))}


def get(session: Session, actor: Actor, session_id: int) -> TrainingSession:
    """Raises NotFound outside the actor's view (see `listing`)."""
    ts = session.scalar(sa.select(TrainingSession).where(TrainingSession.id == session_id, _visible(session, actor)))
    if ts is None:
        raise NotFound()
    return ts


def can_see_attendees(session: Session, actor: Actor, ts: TrainingSession) -> bool:
    if actor.role == "admin":
        return True
    if actor.role != "secretariat":
        return False
    return session.scalar(sa.select(sa.func.count()).select_from(TrainingSession).where(
        TrainingSession.id == ts.id, _staff_scope(session, actor))) == 1


def attendees(session: Session, actor: Actor, ts: TrainingSession) -> list[SessionRegistration]:
    if not can_see_attendees(session, actor, ts):
        raise Forbidden()
    return list(session.scalars(sa.select(SessionRegistration).where(SessionRegistration.session_id == ts.id)
                                .order_by(SessionRegistration.registered_at, SessionRegistration.id)))


def registrations_of(session: Session, physician_id: int) -> list[SessionRegistration]:
    return list(session.scalars(sa.select(SessionRegistration).where(SessionRegistration.physician_id == physician_id)))


def attended_by(session: Session, physician_id: int) -> list[TrainingSession]:
    """受講履歴: the sessions the physician came to, newest first (those reported, whose 受講証明書
    they may print)."""
    return list(session.scalars(sa.select(TrainingSession).join(
        SessionRegistration, TrainingSession.id == SessionRegistration.session_id).where(
        SessionRegistration.physician_id == physician_id, SessionRegistration.attended.is_(True))
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())))


def upcoming_of(session: Session, physician_id: int,
                today: dt.date | None = None) -> list[tuple[TrainingSession, SessionRegistration, int | None]]:
    """My Page: the sessions not yet begun that the physician has a place at or waits for, by
    date, with the place on the waiting list (None when registered)."""
    rows = session.execute(sa.select(TrainingSession, SessionRegistration).join(
        SessionRegistration, TrainingSession.id == SessionRegistration.session_id).where(
        SessionRegistration.physician_id == physician_id, SessionRegistration.status.in_(("registered", "waiting")),
        TrainingSession.starts_on > (today or today_jst())).order_by(TrainingSession.starts_on, TrainingSession.id))
    return [(ts, reg, waiting_position(session, reg)) for ts, reg in rows]


def registered_counts(session: Session, session_ids: list[int], status: str = "registered") -> dict[int, int]:
    """{session id: places taken} (or, with `status="waiting"`, on the waiting list) for a list of
    sessions, in one query."""
    counts = dict(session.execute(sa.select(SessionRegistration.session_id, sa.func.count()).where(
        SessionRegistration.session_id.in_(session_ids), SessionRegistration.status == status)
        .group_by(SessionRegistration.session_id)).all()) if session_ids else {}
    return {i: counts.get(i, 0) for i in session_ids}


def registered_count(session: Session, session_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(SessionRegistration).where(
        SessionRegistration.session_id == session_id, SessionRegistration.status == "registered"))


def registration_of(session: Session, physician_id: int | None, session_id: int) -> SessionRegistration | None:
    if physician_id is None:
        return None
    return session.scalar(sa.select(SessionRegistration).where(
        SessionRegistration.session_id == session_id, SessionRegistration.physician_id == physician_id))


# --- registration ------------------------------------------------------------------------------------

def _lock(session: Session, session_id: int) -> TrainingSession:
    """The session row, locked: two last places are never both given (SQLite: BEGIN IMMEDIATE)."""
    stmt = sa.select(TrainingSession).where(TrainingSession.id == session_id)
    if is_postgresql(session):
        stmt = stmt.with_for_update()
    ts = session.scalar(stmt.execution_options(populate_existing=True))
    if ts is None:
        raise NotFound()
    return ts


def register(session: Session, actor: Actor, session_id: int, wait: bool = False) -> SessionRegistration:
    """A physician applies for an approved, not yet started session. When it is full: Conflict
    ("session_full"), or with `wait` a place on its waiting list (status "waiting", in the order
    of asking)."""
    if actor.physician_id is None:
        raise Forbidden()
    ts = _lock(session, session_id)
    if state(ts) != "approved" or ts.starts_on <= today_jst():
        raise Conflict("session_closed")
    if ts.apply_by and today_jst() > ts.apply_by:
        raise Conflict("registration_closed", day=f"{ts.apply_by:%Y/%m/%d}")
    mine = registration_of(session, actor.physician_id, ts.id)
    if mine is not None and mine.status == "registered":
        raise Conflict("already_registered")
    if mine is not None and mine.status == "waiting":
        raise Conflict("already_waiting")
    status = "registered"
    if registered_count(session, ts.id) >= ts.capacity or waiting_count(session, ts.id):
        if not wait:
            raise Conflict("session_full")
        status = "waiting"
    if mine is None:
        mine = SessionRegistration(session_id=ts.id, physician_id=actor.physician_id, status=status)
        session.add(mine)
    else:
        mine.status, mine.cancelled_at, mine.registered_at = status, None, utcnow()
    session.flush()
    audit.record(session, actor, "session.register" if status == "registered" else "session.wait",
                 "training_session", ts.id)
    physician = mine.physician or session.get(Physician, actor.physician_id)
    if physician.email:  # the receipt: what was applied for, and where it stands
        lang = accounts.lang_of_physician(session, physician.id)
        days = hours(ts, lang)
        mail.send(session, physician.email, "session_registered",
                  lang=lang, name=physician.full_name, title=ts.title,
                  place=ts.place, starts_on=days, waiting=status == "waiting", fee=ts.fee, contact=contact_of(ts),
                  position=waiting_position(session, mine) if status == "waiting" else None)
    return mine


def cancel_registration(session: Session, actor: Actor, session_id: int) -> str:
    """The physician gives up their place (or their place on the waiting list) before the
    session starts; a freed place goes to the first on the waiting list at once. Returns what
    was given up: "registered" or "waiting"."""
    ts = _lock(session, session_id)
    mine = registration_of(session, actor.physician_id, ts.id)
    if mine is None or mine.status not in ("registered", "waiting"):
        raise NotFound()
    if has_started(ts):
        raise Conflict("session_closed")
    was = mine.status
    mine.status, mine.cancelled_at = "cancelled", utcnow()
    audit.record(session, actor, "session.cancel_registration", "training_session", ts.id, was=was)
    physician = mine.physician or session.get(Physician, actor.physician_id)
    if physician.email:  # what was given up, said (and a cancellation not made by them, noticed)
        lang = accounts.lang_of_physician(session, physician.id)
        mail.send(session, physician.email, "session_unregistered", lang=lang, name=physician.full_name,
                  title=ts.title, place=ts.place, starts_on=hours(ts, lang), waiting=was == "waiting",
                  contact=contact_of(ts))
    if was == "registered":
        session.flush()
        promote_waiting(session, ts)
    return was


def waiting_count(session: Session, session_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(SessionRegistration).where(
        SessionRegistration.session_id == session_id, SessionRegistration.status == "waiting"))


def waiting_position(session: Session, reg: SessionRegistration) -> int | None:
    """1 for the first on the waiting list; None when not waiting."""
    if reg.status != "waiting":
        return None
    ahead = session.scalar(sa.select(sa.func.count()).select_from(SessionRegistration).where(
        SessionRegistration.session_id == reg.session_id, SessionRegistration.status == "waiting",
        sa.or_(SessionRegistration.registered_at < reg.registered_at,
               sa.and_(SessionRegistration.registered_at == reg.registered_at, SessionRegistration.id < reg.id))))
    return ahead + 1


def promote_waiting(session: Session, ts: TrainingSession) -> list[SessionRegistration]:
    """Give the free places to the waiting list, first asked first (the caller holds the
    session's lock); each promoted physician is mailed. Returns them."""
    free = ts.capacity - registered_count(session, ts.id)
    if free <= 0:
        return []
    promoted = list(session.scalars(sa.select(SessionRegistration).where(
        SessionRegistration.session_id == ts.id, SessionRegistration.status == "waiting")
        .order_by(SessionRegistration.registered_at, SessionRegistration.id).limit(free)))
    langs = accounts.langs_of_physicians(session, [r.physician_id for r in promoted])
    for reg in promoted:
        reg.status = "registered"
        audit.record(session, None, "session.promote", "training_session", ts.id, registration_id=reg.id)
        if reg.physician.email:
            lang = langs.get(reg.physician_id, "ja")  # the day with its hours, the fee, whom to ask
            mail.send(session, reg.physician.email, "session_place_offered", lang=lang, name=reg.physician.full_name,
                      title=ts.title, starts_on=hours(ts, lang), place=ts.place, fee=ts.fee, contact=contact_of(ts))
    session.flush()
    return promoted


# --- the report (開催報告) ------------------------------------------------------------------------------

def report(session: Session, actor: Actor, session_id: int, attended_ids: list[int],
           registry_numbers: list[str], file_lines: list[tuple[int, str]] = ()) -> int:
    """The organiser files the report after the session: who attended (registrations ticked, and/or
    lines of 医籍登録番号 and フリガナ — walk-ins among them are registered now). Each attendee gets
    the session's credits. All or nothing: a line naming no physician says which line, and not
    whether the number exists — typed lines by their line in the box, `file_lines` ((line of the
    file, text), from `numbers_from_csv`) by their line in the file. Returns the attendees."""
    ts = _organisers(session, actor, session_id)
    if ts.reported_at is not None:
        raise Conflict("session_reported")
    if state(ts) != "held":
        raise Conflict("session_not_held")
    physicians = _named_attendees(session, ts, attended_ids, registry_numbers, file_lines)
    _credit_attendees(session, actor, ts, physicians)
    ts.reported_at = utcnow()
    audit.record(session, actor, "session.report", "training_session", ts.id, attendees=len(physicians))
    return len(physicians)


def add_attendees(session: Session, actor: Actor, session_id: int, attended_ids: list[int],
                  registry_numbers: list[str], file_lines: list[tuple[int, str]] = ()) -> int:
    """報告の訂正 (add only): after the report, the organiser adds attendees it forgot — ticked among
    those registered, or named as in the report. Those already reported are passed over (no credit
    twice); the new ones get the session's credits and its 受講証明書, and are mailed, as at the
    report. Audited. Nothing is taken back: a credit given wrongly is corrected by JMA's office.
    Raises Forbidden, Conflict (not reported yet), ValidationFailed (nobody new)."""
    ts = _organisers(session, actor, session_id)
    if ts.reported_at is None:
        raise Conflict("session_not_reported")
    named = _named_attendees(session, ts, attended_ids, registry_numbers, file_lines)
    came = set(session.scalars(sa.select(SessionRegistration.physician_id).where(
        SessionRegistration.session_id == ts.id, SessionRegistration.attended.is_(True))))
    physicians = {pid: p for pid, p in named.items() if pid not in came}
    if not physicians:
        raise ValidationFailed({"attended": ("no_new_attendees", {})}, context="session")
    _credit_attendees(session, actor, ts, physicians)
    audit.record(session, actor, "session.report_add", "training_session", ts.id, attendees=len(physicians),
                 physician_ids=sorted(physicians))
    return len(physicians)


def _organisers(session: Session, actor: Actor, session_id: int) -> TrainingSession:
    """The session, locked, for its organiser's staff (Forbidden for anyone else)."""
    ts = _lock(session, session_id)
    if actor.role != "secretariat" or ts.organiser_association_id != actor.association_id:
        raise Forbidden()
    return ts


def _named_attendees(session: Session, ts: TrainingSession, attended_ids: list[int], registry_numbers: list[str],
                     file_lines) -> dict[int, Physician]:
    """{physician id: physician} of the registrations ticked and the lines given; ValidationFailed
    naming every bad line."""
    errors: dict[str, tuple[str, dict]] = {}
    physicians: dict[int, Physician] = {}
    typed = [("registry_numbers", line, raw) for line, raw in enumerate(registry_numbers, start=1)]
    for field, line, raw in [*typed, *(("registry_file", line, raw) for line, raw in file_lines)]:
        if not raw.strip():
            continue
        found = _walk_in(session, raw)
        if isinstance(found, str):
            errors[f"{field}[{line}]"] = (found if field == "registry_numbers" else f"{found}_in_file", {"line": line})
        else:
            physicians[found.id] = found
    regs = {r.id: r for r in session.scalars(sa.select(SessionRegistration).where(
        SessionRegistration.session_id == ts.id))}
    for reg_id in attended_ids:
        if reg_id not in regs:
            errors["attended"] = ("invalid", {})
        else:
            physicians[regs[reg_id].physician_id] = regs[reg_id].physician
    if errors:
        raise ValidationFailed(errors, context="session")
    return physicians


def _credit_attendees(session: Session, actor: Actor, ts: TrainingSession, physicians: dict[int, Physician]) -> None:
    """Each physician attended: registered if they were not (a walk-in), credited with the
    session's credits, and told the credits are on their ledger and where the 受講証明書 is."""
    by_physician = {r.physician_id: r for r in session.scalars(sa.select(SessionRegistration).where(
        SessionRegistration.session_id == ts.id))}
    source_ref = f"{ts.title}（{ts.starts_on:%Y/%m/%d}）"[:100]
    for physician_id in physicians:
        reg = by_physician.get(physician_id)
        if reg is None:
            reg = SessionRegistration(session_id=ts.id, physician_id=physician_id, status="registered")
            session.add(reg)
        reg.attended, reg.status = True, "registered"  # one on the waiting list (or who cancelled) came after all
        for item in ts.credit_items:
            add_credits(session, actor, physician_id, item["system"], item["category"], item["credits"],
                        ts.ends_on, "session", source_ref, f"training_session:{ts.id}")
    langs = accounts.langs_of_physicians(session, list(physicians))
    for physician_id, physician in physicians.items():
        if physician.email:
            lang = langs.get(physician_id, "ja")
            mail.send(session, physician.email, "session_credits", lang=lang, name=physician.full_name,
                      title=ts.title, starts_on=hours(ts, lang), session_id=ts.id,
                      credits=[(i["system"], i["category"], i["credits"]) for i in ts.credit_items],
                      systems=SYSTEMS_EN if lang == "en" else SYSTEMS, categories=CATEGORIES)


def _walk_in(session: Session, line: str) -> Physician | str:
    """The physician a report line names — 医籍登録番号 and フリガナ, e.g. "123456 ニチイ タロウ" —
    or the message key of why none. Both must match one physician: a number alone would let an
    organiser link (and so see) any physician in the country, and tell which numbers exist."""
    number, _, rest = re.sub(r"[,，、\t\u3000]", " ", line).strip().partition(" ")
    number = halfwidth(number)
    try:
        given = fields.kana(rest, 200)
    except FieldError:
        return "walk_in_needs_kana"
    found = session.scalar(sa.select(Physician).where(Physician.registry_number == number)) \
        if re.fullmatch(r"[0-9]{6}", number) else None
    if found is None or fields.bare_kana(f"{found.family_kana}{found.given_kana}") != fields.bare_kana(given):
        return "unknown_walk_in"
    return found


def numbers_from_csv(raw: bytes) -> list[tuple[int, str]]:
    """The attendees of an attendance CSV, as report lines ("医籍登録番号 フリガナ"): the number in
    the first column, the フリガナ the first later cell written in kana — so the office's own
    受講者名簿 (医籍登録番号, 氏名, フリガナ, …) can be filed back as it is. A header line (its first
    cell not a number) is skipped; each line comes with its line number in the file (the header
    counted), for the error messages."""
    if not raw:
        return []
    lines = []
    reader = csv.reader(io.StringIO(decode(raw), newline=None))  # any line ending, CR alone too
    for line, row in numbered_rows(reader, "registry_file"):  # where each row starts; empty rows passed over
        first = (row[0] if row else "").strip()
        if not lines and first and not halfwidth(first).isdigit():
            continue  # the header
        kana = next((cell for cell in row[1:] if cell.strip() and _is_kana(cell)), "")
        lines.append((line, f"{first} {kana}".strip()))
    return lines


def _is_kana(cell: str) -> bool:
    try:
        fields.kana(cell, 400)
    except FieldError:
        return False
    return True


def attendance(session: Session, actor: Actor, session_id: int) -> tuple[TrainingSession, SessionRegistration]:
    """受講証明書: the member's own attendance at a reported session. Raises NotFound."""
    ts = session.get(TrainingSession, session_id)
    reg = registration_of(session, actor.physician_id, session_id) if ts else None
    if ts is None or reg is None or not reg.attended:
        raise NotFound()
    return ts, reg
