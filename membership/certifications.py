"""Certified physicians (認定産業医, 認定健康スポーツ医), the 日医生涯教育認定証 and the
かかりつけ医機能研修 修了証書: the credits ledger, eligibility, the certification application
(city/county → prefecture → JMA; かかりつけ医機能研修 ends at the prefecture, which issues it),
certificates and their public verification.

No credit threshold is written here: what each system and mode requires comes from the decision
table `certification_requirements` (processes/certification), handed in by the caller as
`requirements(system, mode) -> [{"categories": [...], "minimum": n, "label": text}]`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from . import accounts, associations, audit, fields, mail, members, search
from .actors import Actor
from .applications import lock_applicant, record_submission, resolve_applicant
from .db import serialise
from .errors import Forbidden, NotFound, ValidationFailed
from .fields import figure, halfwidth, today_jst
from .models import Application, ApplicationPart, Association, Certificate, CreditEntry, Membership, Physician
from .statuses import ApplicationStatus, MembershipStatus, PartAction, PartStatus

SYSTEMS = {"occupational": "認定産業医", "sports": "認定健康スポーツ医", "lifelong": "生涯教育",
           "primary_care": "かかりつけ医機能研修"}
#: their names in an English mail
SYSTEMS_EN = {"occupational": "Certified occupational physician", "sports": "Certified health-sports physician",
              "lifelong": "Lifelong education", "primary_care": "Primary-care training"}
#: the systems a physician applies to be certified in (a system not listed only collects credits)
CERTIFIED = ("occupational", "sports", "lifelong", "primary_care")
CURRICULUM_CODES = 84
#: かかりつけ医機能研修 実地研修: the activities (規定の活動) a physician reports, each worth
#: ACTIVITY_CREDITS; the decision table asks for credits and for how many different activities
ACTIVITIES = {"act_school": "学校医・園医、警察業務への協力医", "act_sports": "健康スポーツ医活動",
              "act_surveillance": "感染症定点観測への協力",
              "act_checkup": "健康相談・保健指導・行政と契約して行う検診・定期予防接種の実施",
              "act_emergency": "早朝・休日・夜間・救急診療の実施・協力",
              "act_occupational": "産業医・地域産業保健センター活動の実施", "act_home_visit": "訪問診療の実施",
              "act_respite": "家族等のレスパイトケアの実施", "act_opinion": "主治医意見書の記載",
              "act_care_board": "介護認定審査会への参加", "act_discharge": "退院カンファレンスへの参加",
              "act_care_meeting": "地域ケア会議等への参加", "act_other": "その他（都道府県医師会が認める活動）"}
ACTIVITY_CREDITS = 5
CATEGORIES = {
    "occupational": {"basic_early": "基礎研修（前期）", "basic_practical": "基礎研修（実地）",
                     "basic_late": "基礎研修（後期）", "update": "生涯研修（更新研修）",
                     "practical": "生涯研修（実地研修）", "specialised": "生涯研修（専門研修）"},
    "sports": {"basic": "養成講習会", "refresher": "再研修"},
    # 生涯教育: credits (単位) by how they were earned, and カリキュラムコード (CC1–CC84) that a
    # session or e-learning item covers — counted like credits, one per code
    "lifelong": {"lecture": "講義・講演", "e_learning": "e-ラーニング", "quiz": "日医雑誌問題解答",
                 "other": "その他", **{f"cc{n}": f"カリキュラムコード{n}" for n in range(1, CURRICULUM_CODES + 1)}},
    # かかりつけ医機能研修: 基本研修 is holding a 日医生涯教育認定証 (DERIVED), 応用研修 the prescribed
    # lectures, 実地研修 the activities
    "primary_care": {"basic": "基本研修", "applied": "応用研修", **ACTIVITIES},
}
SOURCES = {"session": "研修会", "e_learning": "日医e-ラーニング", "quiz": "日医雑誌問題解答", "self": "自己申告",
           "paper": "紙の単位シール", "legacy": "移行データ", "handbook": "手帳・修了証（医師会入力）"}
MODES = {"new": "新規", "renewal": "更新"}
VALID_YEARS = 5
#: where a system differs: 生涯教育 and かかりつけ医機能研修 count three years and their
#: certificates are valid for three
YEARS = {"lifelong": 3, "primary_care": 3}
#: figures derived from a system's credits that the decision table can require, beside the
#: categories: 生涯教育 adds its credits (単位数) to the number of distinct curriculum codes;
#: かかりつけ医機能研修 asks for a 日医生涯教育認定証 valid in the period (1 or 0), the 実地研修
#: credits and the number of different activities
DERIVED = {"lifelong": {"units": "単位数", "codes": "カリキュラムコード数"},
           "primary_care": {"lifelong_certificate": "日医生涯教育認定証", "practice": "実地研修の単位数",
                            "activities": "実地研修の活動の種類"}}
#: the English of what a member reads about certification outside the screens (mails): the shipped
#: decision table's requirement labels and the certificates' titles; webapp.translations_en takes
#: them from here, so one text has one translation (a designer's new label stays as written)
TERMS_EN = {
    "基礎研修（前期）": "Basic training (first part)", "基礎研修（実地）": "Basic training (practical)",
    "基礎研修（後期）": "Basic training (second part)", "基礎研修の合計": "Basic training, total",
    "生涯研修（更新研修）": "Continuing training (update)", "生涯研修（実地研修）": "Continuing training (practical)",
    "生涯研修（専門研修）": "Continuing training (specialised)",
    "生涯研修の合計（5年間）": "Continuing training, total (5 years)",
    "養成講習会": "Training course", "再研修（5年間）": "Refresher training (5 years)",
    "単位数とカリキュラムコード数の合計（3年間）": "Credits plus curriculum codes (3 years)",
    "基本研修（日医生涯教育認定証）": "Basic training (JMA lifelong education certificate)",
    "応用研修（3年間）": "Applied training (3 years)", "実地研修（3年間）": "Practical training (3 years)",
    "実地研修の活動の種類": "Kinds of practical activity", "日医生涯教育認定証": "JMA lifelong education certificate",
    "認定産業医 認定証": "Certificate of JMA certified occupational physician",
    "認定健康スポーツ医 認定証": "Certificate of JMA certified health-sports physician",
    "かかりつけ医機能研修 修了証書": "Certificate of completion of JMA primary-care training",
}


def term(text: str, lang: str) -> str:
    """`text` in `lang` where TERMS_EN has it."""
    return TERMS_EN.get(text, text) if lang == "en" else text


#: the layer whose approval issues the certificate (the chain of reviewers stops there): JMA, but
#: the prefecture for かかりつけ医機能研修 (都道府県医師会が修了証書を発行する)
ISSUING_LAYER = {"primary_care": 2}
#: the certificate's number prefix, its title and the sentence it certifies
CERTIFICATE_TEXT = {
    "occupational": ("OC", "認定産業医 認定証", "あなたを日本医師会認定産業医として認定します。"),
    "sports": ("SP", "認定健康スポーツ医 認定証", "あなたを日本医師会認定健康スポーツ医として認定します。"),
    "lifelong": ("LL", "日医生涯教育認定証",
                 "あなたは日本医師会生涯教育制度において所定の単位およびカリキュラムコードを取得されたので、これを認定します。"),
    "primary_care": ("PC", "かかりつけ医機能研修 修了証書",
                     "あなたは日本医師会かかりつけ医機能研修制度において基本研修・応用研修・実地研修を修了されたことを証します。"),
}


def years_of(system: str) -> int:
    """The years a system's credits are counted over, and its certificate is valid for."""
    return YEARS.get(system, VALID_YEARS)


def years_before(day: dt.date, years: int) -> dt.date:
    return fields.years_after(day, -years)


def longest(system: str) -> int:
    """The longest period a certificate recorded from before the system may have: its system's, and
    a year more (JMA has extended certificates by a year, as in the pandemic), never "until 9999"."""
    return years_of(system) + 1


def last_day_of(start: dt.date, years: int) -> dt.date:
    """The last day of a period of `years` from `start` (民法143条): the day before the same date
    that many years on — and where that year has no such date (from 29 February), the end of its
    month: 2028-02-29 + 5 years ends 2033-02-28."""
    try:
        return start.replace(year=start.year + years) - dt.timedelta(days=1)
    except ValueError:
        return dt.date(start.year + years, 3, 1) - dt.timedelta(days=1)


# --- the ledger -----------------------------------------------------------------------------------

#: credits older than this are refused anywhere (paper records reach back decades, not further)
EARLIEST_CREDIT = dt.date(1950, 1, 1)
#: what a member reports themselves may be at most this many years old: no certificate counts further back
SELF_REPORT_YEARS = 5


def _day_error(earned_on, earliest: dt.date) -> tuple[str, dict] | None:
    """Why `earned_on` cannot be a credit's day (not a date, in the future, before `earliest`), or None."""
    if not isinstance(earned_on, dt.date):
        return "invalid_date", {}
    if earned_on > today_jst():
        return "date_not_future", {}
    if earned_on < earliest:
        return "date_too_early", {"min": f"{earliest:%Y/%m/%d}"}
    return None


def _self_report_earliest() -> dt.date:
    today = today_jst()
    return today.replace(year=today.year - SELF_REPORT_YEARS, day=28 if (today.month, today.day) == (2, 29)
                         else today.day)


def add_credits(session: Session, actor: Actor | None, physician_id: int, system: str, category: str,
                credits, earned_on: dt.date, source: str, source_ref: str = "", note: str = "") -> CreditEntry:
    """Record credits. Raises ValidationFailed naming the field."""
    errors: dict[str, tuple[str, dict]] = {}
    if system not in SYSTEMS:
        errors["system"] = ("choose_from_list", {})
    elif category not in CATEGORIES[system]:
        errors["category"] = ("choose_from_list", {})
    try:
        amount = Decimal(str(credits))
        if not (Decimal("0") < amount <= Decimal("100")) or amount != amount.quantize(Decimal("0.1")):
            raise ValueError
    except (ValueError, ArithmeticError):
        errors["credits"] = ("invalid", {})
        amount = Decimal("0")
    if source not in SOURCES:
        errors["source"] = ("choose_from_list", {})
    day_error = _day_error(earned_on, EARLIEST_CREDIT)
    if day_error:
        errors["earned_on"] = day_error
    if errors:
        raise ValidationFailed(errors, context="credit")
    entry = CreditEntry(physician_id=physician_id, system=system, category=category, credits=amount,
                        earned_on=earned_on, source=source, source_ref=source_ref[:100], note=note[:200],
                        created_by_user_id=actor.user_id if actor and actor.user_id else None)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "credits.add", "credit_entry", entry.id, physician_id=physician_id,
                 system=system, category=category, credits=str(amount))
    return entry


def entries(session: Session, physician_id: int, system: str | None = None) -> list[CreditEntry]:
    stmt = sa.select(CreditEntry).where(CreditEntry.physician_id == physician_id)
    if system:
        stmt = stmt.where(CreditEntry.system == system)
    return list(session.scalars(stmt.order_by(CreditEntry.earned_on.desc(), CreditEntry.id.desc())))


def window(session: Session, physician_id: int, system: str, today: dt.date | None = None) -> tuple[
        dt.date, dt.date, str]:
    """(first day, last day, mode): the credits that count now. A renewal counts from the current
    certificate's first day; a new application counts the five years up to today (生涯教育: three)."""
    today = today or today_jst()
    current = current_certificate(session, physician_id, system, today)
    if current is not None:
        return current.valid_from, today, "renewal"
    return years_before(today, years_of(system)) + dt.timedelta(days=1), today, "new"


def totals(session: Session, physician_id: int, system: str, first: dt.date, last: dt.date) -> dict[str, Decimal]:
    """Credits per category from `first` to `last`, and the system's DERIVED figures: for 生涯教育
    `units` (its credits, codes aside) and `codes` (how many curriculum codes were earned; a code
    earned twice counts once)."""
    rows = session.execute(sa.select(CreditEntry.category, sa.func.sum(CreditEntry.credits)).where(
        CreditEntry.physician_id == physician_id, CreditEntry.system == system,
        CreditEntry.earned_on >= first, CreditEntry.earned_on <= last).group_by(CreditEntry.category))
    found = {category: Decimal(total) for category, total in rows}
    if system == "lifelong":
        codes = [c for c, total in found.items() if c.startswith("cc") and total > 0]
        found["units"] = sum((t for c, t in found.items() if not c.startswith("cc")), Decimal(0))
        found["codes"] = Decimal(len(codes))
    elif system == "primary_care":
        done = [c for c, total in found.items() if c in ACTIVITIES and total > 0]
        found["practice"] = sum((found[c] for c in done), Decimal(0))
        found["activities"] = Decimal(len(done))
        held = session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
            Certificate.physician_id == physician_id, Certificate.system == "lifelong",
            Certificate.status == "active", Certificate.valid_from <= last, Certificate.valid_until >= first))
        found["lifelong_certificate"] = Decimal(1 if held else 0)
    return found


def eligibility(session: Session, physician_id: int, system: str, requirements: Callable,
                today: dt.date | None = None) -> dict:
    """Whether the physician may apply now, and what is missing: {system, mode, first, last,
    totals, rows: [{label, have, minimum, missing}], eligible}."""
    first, last, mode = window(session, physician_id, system, today)
    have = totals(session, physician_id, system, first, last)
    renewed = renewal_of(session, physician_id, system, today)
    rows = []
    for req in requirements(system, mode):
        got = sum((have.get(c, Decimal(0)) for c in req["categories"]), Decimal(0))
        minimum = Decimal(str(req["minimum"]))
        rows.append({"label": req["label"], "categories": req["categories"], "have": got, "minimum": minimum,
                     "missing": max(minimum - got, Decimal(0))})
    # a renewal already issued (it starts when the current certificate ends): nothing to apply for
    # until then — the same credits must not renew it twice
    return {"system": system, "mode": mode, "first": first, "last": last, "totals": have, "rows": rows,
            "renewed": renewed,
            "eligible": renewed is None and bool(rows) and all(r["missing"] == 0 for r in rows)}


def ledger(session: Session, physician_id: int, today: dt.date | None = None) -> list[dict]:
    """My Page: per system, totals by category, by year and in the current window, with entries."""
    today = today or today_jst()
    out = []
    all_entries = entries(session, physician_id)
    for system, label in SYSTEMS.items():
        mine = [e for e in all_entries if e.system == system]
        if not mine and system not in CERTIFIED:
            continue
        first, last, mode = window(session, physician_id, system, today)
        by_category: dict[str, Decimal] = {}
        in_window: dict[str, Decimal] = {}
        by_year: dict[int, Decimal] = {}
        for e in mine:
            by_category[e.category] = by_category.get(e.category, Decimal(0)) + e.credits
            by_year[e.earned_on.year] = by_year.get(e.earned_on.year, Decimal(0)) + e.credits
            if first <= e.earned_on <= last:
                in_window[e.category] = in_window.get(e.category, Decimal(0)) + e.credits
        out.append({"system": system, "label": label, "first": first, "last": last, "mode": mode,
                    # curriculum codes and 実地研修 activities only where earned (84 and 13 of them)
                    "categories": [(c, CATEGORIES[system][c], by_category.get(c, Decimal(0)),
                                    in_window.get(c, Decimal(0))) for c in CATEGORIES[system]
                                   if not (c.startswith("cc") or c in ACTIVITIES) or c in by_category],
                    "years": sorted(by_year.items(), reverse=True), "entries": mine,
                    "total": sum(by_category.values(), Decimal(0)),
                    "window_total": sum(in_window.values(), Decimal(0))})
    return out


def declare(session: Session, actor: Actor, earned_on: dt.date, category: str, title: str, credits) -> CreditEntry:
    """生涯教育申告書: a member declares self-studied lifelong-education credits (at most 10 per
    item, in steps of 0.5), recorded with the source "self"."""
    if category not in ("lecture", "other"):
        raise ValidationFailed.one("category", "choose_from_list")
    day_error = _day_error(earned_on, _self_report_earliest())
    if day_error:
        raise ValidationFailed({"earned_on": day_error}, context="credit")
    try:
        amount = Decimal(str(credits))
        if amount <= 0 or amount > 10 or (amount * 2) != (amount * 2).to_integral_value():
            raise ValueError
    except (ValueError, ArithmeticError):
        raise ValidationFailed({"credits": ("credits_step", {})}, context="credit") from None
    return add_credits(session, actor, actor.physician_id, "lifelong", category, amount, earned_on, "self",
                       title, "生涯教育申告書")


def enter_credits(session: Session, actor: Actor, physician_id: int, system: str, category: str, credits,
                  earned_on, note: str) -> CreditEntry:
    """手帳単位の入力: an office enters credits shown on paper (産業医手帳, a 修了証, a credit sticker)
    for one of its members, with what they were for; the same entry twice is refused. Raises
    NotFound outside the office's members, ValidationFailed naming the field."""
    if not actor.is_secretariat or not members.can_see(session, actor, physician_id):
        raise NotFound()
    if not members.can_act_for(session, actor, physician_id):
        raise Forbidden()
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": ("required", {})}, context="credit")
    lock_applicant(session, physician_id)
    try:
        amount = Decimal(str(credits))
    except ArithmeticError:
        amount = None
    if amount is not None and isinstance(earned_on, dt.date) and session.scalar(
            sa.select(sa.func.count()).select_from(CreditEntry).where(
                CreditEntry.physician_id == physician_id, CreditEntry.system == system,
                CreditEntry.category == category, CreditEntry.earned_on == earned_on,
                CreditEntry.credits == amount, CreditEntry.source_ref == note[:100])):
        raise ValidationFailed({"note": ("credit_entered_twice", {})}, context="credit")
    return add_credits(session, actor, physician_id, system, category, credits, earned_on, "handbook", note,
                       "医師会入力")


def report_activity(session: Session, actor: Actor, earned_on, activity: str, detail: str) -> CreditEntry:
    """かかりつけ医機能研修 実地研修: a member reports one activity (規定の活動) done on a day,
    worth ACTIVITY_CREDITS, recorded with the source "self" (the prefecture reviews it with the
    application). The same activity twice on one day is refused. Raises ValidationFailed."""
    errors: dict[str, tuple[str, dict]] = {}
    if activity not in ACTIVITIES:
        errors["activity"] = ("choose_from_list", {})
    detail = (detail or "").strip()
    if not detail:
        errors["detail"] = ("required", {})
    day_error = _day_error(earned_on, _self_report_earliest())
    if day_error:
        errors["earned_on"] = day_error
    if errors:
        raise ValidationFailed(errors, context="credit")
    lock_applicant(session, actor.physician_id)  # two reports of the same day at once: one wins
    if session.scalar(sa.select(sa.func.count()).select_from(CreditEntry).where(
            CreditEntry.physician_id == actor.physician_id, CreditEntry.system == "primary_care",
            CreditEntry.category == activity, CreditEntry.earned_on == earned_on)):
        raise ValidationFailed({"activity": ("activity_reported", {})}, context="credit")
    return add_credits(session, actor, actor.physician_id, "primary_care", activity, ACTIVITY_CREDITS, earned_on,
                       "self", detail[:100], "実地研修活動報告")


def year_statement(session: Session, physician_id: int, year: int) -> list[CreditEntry]:
    """学習単位取得証: the lifelong-education credits of one year (none for a year out of range)."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return []
    return list(session.scalars(sa.select(CreditEntry).where(
        CreditEntry.physician_id == physician_id, CreditEntry.system == "lifelong",
        CreditEntry.earned_on >= dt.date(year, 1, 1), CreditEntry.earned_on <= dt.date(year, 12, 31))
        .order_by(CreditEntry.earned_on, CreditEntry.id)))


# --- certificates -------------------------------------------------------------------------------------

def current_certificate(session: Session, physician_id: int, system: str,
                        today: dt.date | None = None) -> Certificate | None:
    """The active certificate valid today (the latest if several)."""
    today = today or today_jst()
    return session.scalar(sa.select(Certificate).where(
        Certificate.physician_id == physician_id, Certificate.system == system, Certificate.status == "active",
        Certificate.valid_from <= today, Certificate.valid_until >= today).order_by(Certificate.valid_until.desc())
        .limit(1))


def renewal_of(session: Session, physician_id: int, system: str, today: dt.date | None = None) -> Certificate | None:
    """An active certificate of the system that has not begun yet: the renewal issued before the
    current one ends."""
    today = today or today_jst()
    return session.scalar(sa.select(Certificate).where(
        Certificate.physician_id == physician_id, Certificate.system == system, Certificate.status == "active",
        Certificate.valid_from > today).order_by(Certificate.valid_from.desc()).limit(1))


def certificates_of(session: Session, physician_id: int) -> list[Certificate]:
    return list(session.scalars(sa.select(Certificate).where(Certificate.physician_id == physician_id)
                                .order_by(Certificate.valid_until.desc())))


def state(cert: Certificate, today: dt.date | None = None) -> str:
    """valid / expired / revoked / future (a renewal that starts when the current one ends)."""
    today = today or today_jst()
    if cert.status == "revoked":
        return "revoked"
    if cert.valid_until < today:
        return "expired"
    return "future" if cert.valid_from > today else "valid"


def get_certificate(session: Session, actor: Actor, certificate_id: int) -> Certificate:
    """The holder's own certificate — or, for the staff of an association the holder belongs to
    now, any of theirs (an office prints it for a member who has no printer, or hands it over at
    its meeting; recorded in the audit trail). NotFound otherwise."""
    cert = session.get(Certificate, certificate_id)
    if cert is None or cert.status == "revoked":  # a revoked certificate is not printed (the check says 取消)
        raise NotFound()
    if actor.role == "member" and cert.physician_id == actor.physician_id:
        return cert
    if actor.role == "secretariat" and members.can_act_for(session, actor, cert.physician_id):
        audit.record(session, actor, "certificate.print", "certificate", cert.id, physician_id=cert.physician_id)
        return cert
    raise NotFound()


def by_number(session: Session, number: str) -> Certificate | None:
    return session.scalar(sa.select(Certificate).where(Certificate.number == number))


def revoke(session: Session, actor: Actor, number: str, reason: str) -> Certificate:
    """An admin revokes a certificate (the public check then says 取消; it is no longer printed,
    nor renewed: a renewal filed against it cannot be approved) and the holder is mailed. Raises
    NotFound, ValidationFailed (the reason is required)."""
    if actor.role != "admin":
        raise NotFound()
    cert = session.scalar(sa.select(Certificate).where(Certificate.number == (number or "").strip()))
    if cert is None:
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.one("reason", "required")
    cert.status = "revoked"
    audit.record(session, actor, "certificate.revoke", "certificate", cert.id, number=cert.number, reason=reason[:200])
    physician = session.get(Physician, cert.physician_id)
    if physician.email:
        lang = accounts.lang_of_physician(session, physician.id)
        mail.send(session, physician.email, "certificate_revoked", lang=lang, name=physician.full_name,
                  system=(SYSTEMS_EN if lang == "en" else SYSTEMS)[cert.system],
                  title=term(CERTIFICATE_TEXT[cert.system][1], lang), number=cert.number, reason=reason[:200])
    return cert


def verify(session: Session, code: str) -> Certificate | None:
    """The public check of a certificate's verification code (anyone, no login)."""
    code = (code or "").strip().upper().replace("-", "")
    if not code.isalnum() or len(code) > 16:
        return None
    return session.scalar(sa.select(Certificate).where(Certificate.verification_code == code))


#: the lock every certificate write takes (issue, import): a number is chosen and written by one at a time
CERTIFICATES_LOCK = "certificates"


def _next_number(session: Session, system: str, year: int) -> str:
    """The next free number of the system, e.g. OC2026-000152: the system's certificates counted,
    plus one, skipping a number an import recorded already. Taken under CERTIFICATES_LOCK until the
    caller's commit, so two approvals at once never choose the same number."""
    serialise(session, CERTIFICATES_LOCK)
    prefix = CERTIFICATE_TEXT[system][0]
    n = session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(Certificate.system == system)) + 1
    while by_number(session, number := f"{prefix}{year}-{n:06d}") is not None:
        n += 1
    return number


def board_summaries(session: Session, application_ids: list[int]) -> dict[int, str]:
    """What a board decides on for each certification application among `application_ids` (one
    query): the system, new or renewal, and the credits it was filed with, e.g.
    認定産業医（新規） 基礎研修（前期） 14・基礎研修（実地） 10・基礎研修（後期） 26."""
    out = {}
    for app_id, payload in session.execute(sa.select(Application.id, Application.payload).where(
            Application.id.in_(application_ids), Application.kind == "certification")) if application_ids else ():
        payload = payload or {}
        system = payload.get("system", "")
        labels = {**CATEGORIES.get(system, {}), **DERIVED.get(system, {})}
        held = payload.get("credits") or {}
        credits = "・".join(f"{label} {figure(held[c])}" for c, label in labels.items()  # in the system's order
                           if c in held and Decimal(str(held[c])) > 0)
        out[app_id] = f"{SYSTEMS.get(system, system)}（{MODES.get(payload.get('mode'), '')}）" + (
            f" {credits}" if credits else "")
    return out


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
    return "".join(secrets.choice(alphabet) for _ in range(12))


# --- the certification application -----------------------------------------------------------------------

def chain_for(session: Session, physician_id: int, system: str = "") -> list[Association]:
    """City/county → prefecture → JMA: the layers that review a certification, from the
    city/county of the physician's nearest active membership up to the layer that issues
    `system`'s certificate. A member of a district only (layer 4, layer 3 skipped) starts at the
    district's city; one who skipped both (a prefecture's and JMA's member) at the prefecture. None
    for a physician in no association (nobody to review: they join one first)."""
    top = ISSUING_LAYER.get(system, 1)
    nearest = session.scalar(sa.select(Association).join(Membership, Membership.association_id == Association.id)
                             .where(Membership.physician_id == physician_id,
                                    Membership.status == MembershipStatus.ACTIVE.value)
                             .order_by(Association.layer.desc(), Membership.id).limit(1))
    node = nearest
    while node is not None and node.layer > 3:  # a district reviews through its city
        node = node.parent
    chain = []
    while node is not None and node.layer >= top:
        chain.append(node)
        node = node.parent
    return chain


def issuer(session: Session, cert: Certificate) -> str:
    """Who the certificate says issued it: the association whose approval issued it (日本医師会;
    for かかりつけ医機能研修 the prefecture)."""
    if ISSUING_LAYER.get(cert.system, 1) == 1 or cert.application_id is None:
        return "公益社団法人 日本医師会"
    last = session.scalar(sa.select(Association).join(ApplicationPart, ApplicationPart.association_id == Association.id)
                          .where(ApplicationPart.application_id == cert.application_id)
                          .order_by(ApplicationPart.seq.desc()).limit(1))
    return last.name if last is not None else "公益社団法人 日本医師会"


def pending_applications(session: Session, physician_id: int) -> dict[str, int]:
    """{system: the number of its certification application under review} for one physician."""
    return {system: app_id for app_id, system in session.execute(
        sa.select(Application.id, Application.payload["system"].as_string()).where(
            Application.physician_id == physician_id, Application.kind == "certification",
            Application.status.in_((ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value,
                                    ApplicationStatus.RETURNED.value))))}


def file_certification(session: Session, actor: Actor, data: dict, requirements: Callable) -> Application:
    """A certification application (new or renewal by the state of the physician's certificate),
    one `certify` part per layer from the city/county up. The body names the system as
    `certificate` (API.md) or `system` (the screens); a `mode` sent must be the one the
    certificate's state gives. Raises ValidationFailed naming the field."""
    applicant = resolve_applicant(session, actor, data.get("on_behalf_of"))
    field = "system" if "system" in data else "certificate"  # the screens' name, else API.md's
    system = data.get(field)
    if system not in CERTIFIED:
        raise ValidationFailed.one(field, "choose_from_list")
    if data.get("mode") not in (None, "", *MODES):
        raise ValidationFailed.one("mode", "choose_from_list")
    lock_applicant(session, applicant.physician_id)
    if system in pending_applications(session, applicant.physician_id):
        raise ValidationFailed.one(field, "certification_pending")
    found = eligibility(session, applicant.physician_id, system, requirements)
    if data.get("mode") and data["mode"] != found["mode"]:  # the certificate's state decides new or renewal
        raise ValidationFailed.one("mode", f"certification_is_{found['mode']}")
    if found["renewed"] is not None:
        raise ValidationFailed.one(field, "certification_renewed",
                                   valid_from=f"{found['renewed'].valid_from:%Y/%m/%d}")
    if not found["eligible"]:
        raise ValidationFailed.one(field, "not_eligible")
    chain = chain_for(session, applicant.physician_id, system)
    if not chain:
        raise ValidationFailed.one(field, "no_city_membership")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    app = Application(
        kind="certification", status=ApplicationStatus.SUBMITTED.value, physician=applicant.physician,
        applicant_user_id=applicant.id, filed_by_user_id=actor.user_id, submitted_at=now,
        payload={"system": system, "mode": found["mode"], "window": [found["first"].isoformat(),
                                                                      found["last"].isoformat()],
                 "credits": {k: str(v) for k, v in found["totals"].items()}},
        parts=[ApplicationPart(seq=seq, association_id=a.id, layer=a.layer, action=PartAction.CERTIFY.value,
                               status=PartStatus.PENDING.value) for seq, a in enumerate(chain)])
    return record_submission(session, actor, applicant, app)


def issue(session: Session, actor: Actor, application_id: int) -> dict:
    """The issuing layer's approval (JMA's; the prefecture's for かかりつけ医機能研修): the
    certificate with its number, five years' validity (生涯教育, かかりつけ医機能研修: three; a
    renewal starts the day after the current one ends) and a verification code. The process names
    this operation `certification.issue`."""
    app = session.get(Application, application_id)
    if app is None or app.kind != "certification" or app.status != ApplicationStatus.APPROVED.value:
        raise ValidationFailed.one("application", "invalid")
    system = app.payload["system"]
    revoked = revoked_base(session, app)
    if revoked is not None:  # the approval is refused whole: the issuing layer rejects it instead
        raise ValidationFailed.one("decision", "renewal_of_revoked", number=revoked.number)
    today = today_jst()
    # a renewal continues the certificate it was filed against, even when approved after that one
    # ended (a board approving in batches): no gap in which the member seems uncertified
    previous = renewed_by(session, app) or current_certificate(session, app.physician_id, system, today)
    start = previous.valid_until + dt.timedelta(days=1) if previous is not None else today
    until = last_day_of(start, years_of(system))
    cert = Certificate(physician_id=app.physician_id, system=system, mode=app.payload.get("mode", "new"),
                       number=_next_number(session, system, start.year), valid_from=start, valid_until=until,
                       verification_code=_new_code(), application_id=app.id)
    session.add(cert)
    session.flush()
    audit.record(session, actor, "certificate.issue", "certificate", cert.id, application_id=app.id,
                 number=cert.number, valid_until=until.isoformat())
    physician = session.get(Physician, app.physician_id)
    if physician.email:
        lang = accounts.lang_of_physician(session, physician.id)
        mail.send(session, physician.email, "certificate_issued", lang=lang, name=physician.full_name,
                  system=(SYSTEMS_EN if lang == "en" else SYSTEMS)[system],
                  title=term(CERTIFICATE_TEXT[system][1], lang), issuer=issuer(session, cert), number=cert.number,
                  valid_from=f"{start:%Y/%m/%d}", valid_until=f"{until:%Y/%m/%d}")
    return {"certificate_id": cert.id, "number": cert.number}


def renewed_by(session: Session, app: Application) -> Certificate | None:
    """The certificate a renewal application was filed against (the one whose period its credits
    were counted from), if it is still active."""
    if app.payload.get("mode") != "renewal" or not app.payload.get("window"):
        return None
    first = dt.date.fromisoformat(app.payload["window"][0])
    return session.scalar(sa.select(Certificate).where(
        Certificate.physician_id == app.physician_id, Certificate.system == app.payload["system"],
        Certificate.status == "active", Certificate.valid_from == first, Certificate.application_id.is_distinct_from(
            app.id)).order_by(Certificate.valid_until.desc()).limit(1))


def revoked_base(session: Session, app: Application) -> Certificate | None:
    """The certificate a renewal application was filed against, when it has been revoked since:
    such a renewal cannot be approved (its reviewers are told on the task page)."""
    if app.kind != "certification" or app.payload.get("mode") != "renewal" or not app.payload.get("window"):
        return None
    first = dt.date.fromisoformat(app.payload["window"][0])
    return session.scalar(sa.select(Certificate).where(
        Certificate.physician_id == app.physician_id, Certificate.system == app.payload["system"],
        Certificate.status == "revoked", Certificate.valid_from == first).limit(1))


def add_existing(session: Session, actor: Actor | None, physician_id: int, system: str, number: str,
                 valid_from: dt.date, valid_until: dt.date) -> Certificate:
    """A certificate issued before the system (on paper): recorded with its own number and period,
    a new verification code and no application. Raises ValidationFailed naming the field."""
    errors: dict[str, tuple[str, dict]] = {}
    if system not in CERTIFIED:
        errors["system"] = ("choose_from_list", {})
    number = (number or "").strip()
    if not number or len(number) > 20 or by_number(session, number) is not None:
        errors["number"] = ("invalid", {})
    if not (isinstance(valid_from, dt.date) and isinstance(valid_until, dt.date) and valid_from <= valid_until):
        errors["valid_until"] = ("invalid", {})
    elif system in CERTIFIED and valid_until > last_day_of(valid_from, longest(system)):
        errors["valid_until"] = ("period_too_long", {"years": years_of(system), "longest": longest(system)})
    if errors:
        raise ValidationFailed(errors, context="certificate")
    cert = Certificate(physician_id=physician_id, system=system, mode="new", number=number, valid_from=valid_from,
                       valid_until=valid_until, verification_code=_new_code())
    session.add(cert)
    session.flush()
    audit.record(session, actor, "certificate.add_existing", "certificate", cert.id, number=number)
    return cert


# --- the roster of certified members (認定医名簿) ------------------------------------------------------------

#: the roster's states: valid today; valid but ending within six months with no renewal issued
#: (the office reminds them); ended, and not renewed
ROSTER_STATES = {"valid": "有効", "expiring": "期限間近（6か月以内・更新未了）", "expired": "有効期限切れ"}
ROSTER_PAGE = 50


def roster(session: Session, actor: Actor, system: str = "", state: str = "valid", q: str = "", page: int = 1,
           limit: int = ROSTER_PAGE, today: dt.date | None = None) -> tuple[list[Certificate], int]:
    """認定医名簿: the certificates in the office's sight (roster_scope) in `state`, of one `system`
    or all, by kana; a search on name, kana or 医籍登録番号. A revoked certificate is never listed.
    Returns (page of rows, total). Raises ValidationFailed, NotFound."""
    stmt = _roster(session, actor, system, state, q, today or today_jst())
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows = session.scalars(stmt.options(selectinload(Certificate.physician))
                           .limit(limit).offset(max(page - 1, 0) * limit))
    return list(rows), total


ROSTER_HEADINGS = ("医籍登録番号", "氏名", "フリガナ", "認定制度", "認定番号", "有効期間（開始）", "有効期間（終了）",
                   "所属医師会")


def roster_lines(session: Session, actor: Actor, system: str = "", state: str = "valid", q: str = "",
                 batch: int = 1000):
    """The whole roster as CSV lines (ROSTER_HEADINGS), read in batches (JMA's is the country's),
    each batch's 所属医師会 in one more read. Raises ValidationFailed, NotFound before the first line."""
    stmt = _roster(session, actor, system, state, q, today_jst()).add_columns(
        Physician.registry_number, Physician.family_name, Physician.given_name, Physician.family_kana,
        Physician.given_kana).execution_options(yield_per=batch)

    sight = roster_sight(session, actor)  # once, not per batch

    def lines():
        for rows in session.execute(stmt).partitions():
            nearest = members.affiliations(session, [cert.physician_id for cert, *_ in rows], sight)
            for cert, registry, family, given, family_kana, given_kana in rows:
                yield [registry or "", f"{family} {given}", f"{family_kana} {given_kana}", SYSTEMS[cert.system],
                       cert.number, cert.valid_from.isoformat(), cert.valid_until.isoformat(),
                       nearest.get(cert.physician_id) or "非会員"]

    return lines()


def _in_state(state: str, today: dt.date) -> list:
    """Conditions on Certificate for a roster state (ROSTER_STATES); revoked ones never match."""
    later = aliased(Certificate)
    renewed = sa.exists().where(later.physician_id == Certificate.physician_id, later.system == Certificate.system,
                                later.status == "active", later.valid_from > Certificate.valid_from)
    conditions = [Certificate.status == "active"]
    if state == "valid":
        conditions += [Certificate.valid_from <= today, Certificate.valid_until >= today]
    elif state == "expiring":
        conditions += [Certificate.valid_from <= today, Certificate.valid_until >= today,
                       Certificate.valid_until <= months_before(today, -6), ~renewed]
    else:
        conditions += [Certificate.valid_until < today, ~renewed]
    return conditions


def expiring_of(session: Session, physician_id: int, today: dt.date | None = None) -> list[Certificate]:
    """The physician's certificates ending within six months with no renewal issued (My Page says so)."""
    return list(session.scalars(sa.select(Certificate).where(
        Certificate.physician_id == physician_id, *_in_state("expiring", today or today_jst()))
        .order_by(Certificate.valid_until)))


def roster_offices(session: Session, actor: Actor) -> list[int] | None:
    """Whose certificates an office's roster lists, as the associations whose current members they
    are (seed 004, 研修会情報の閲覧権限: 受講者情報・認定医情報 — a city or district its own, a prefecture
    所属の都道府県内, JMA all): a prefecture's members and those of every association below it (it
    reviews their certificates and issues かかりつけ医機能研修's, member of it or not), JMA's and an
    admin's everyone (None)."""
    sight = roster_sight(session, actor)
    if sight is None or associations.layer_of(session, actor.association_id) == 2:
        return sight
    return [actor.association_id]


def roster_sight(session: Session, actor: Actor) -> list[int] | None:
    """The associations a roster may name as 所属医師会: the office itself and those below it; every
    one (None) for JMA and an admin."""
    if actor.role == "admin" or associations.layer_of(session, actor.association_id) == 1:
        return None
    return associations.descendants(associations.parents(session), actor.association_id)


def roster_affiliations(session: Session, actor: Actor, physician_ids) -> dict[int, str]:
    """The roster's 所属医師会: each physician's nearest association within the office's sight."""
    return members.affiliations(session, physician_ids, roster_sight(session, actor))


def own_members(session: Session, actor: Actor, physician_ids) -> set[int]:
    """Which of the physicians are the office's current members (their page and certificate print
    are open to it; a prefecture's roster also lists those of the associations below it)."""
    if actor.role == "admin":
        return set(physician_ids)
    ids = set(physician_ids)
    if not ids or not actor.association_id:
        return set()
    return set(session.scalars(sa.select(Membership.physician_id).where(
        Membership.physician_id.in_(ids), Membership.association_id == actor.association_id,
        Membership.status == MembershipStatus.ACTIVE.value)))


def _roster(session: Session, actor: Actor, system: str, state: str, q: str, today: dt.date):
    errors: dict[str, tuple[str, dict]] = {}
    if system and system not in CERTIFIED:
        errors["system"] = ("choose_from_list", {})
    if state not in ROSTER_STATES:
        errors["state"] = ("choose_from_list", {})
    if actor.role not in ("secretariat", "admin") or (actor.role == "secretariat" and not actor.association_id):
        raise NotFound()
    if errors:
        raise ValidationFailed(errors, context="certificate")
    conditions = _in_state(state, today)
    if system:
        conditions.append(Certificate.system == system)
    offices = roster_offices(session, actor)
    if offices is not None:
        # and the certificates it reviewed itself (a district's member is reviewed by the city)
        reviewed = sa.select(ApplicationPart.application_id).where(
            ApplicationPart.association_id == actor.association_id, ApplicationPart.action == PartAction.CERTIFY.value)
        conditions.append(sa.or_(Certificate.physician_id.in_(sa.select(Membership.physician_id).where(
            Membership.association_id.in_(offices), Membership.status == MembershipStatus.ACTIVE.value)),
            Certificate.application_id.in_(reviewed)))
    for term in halfwidth(q).split():
        like, kana = search.contains(term), search.contains(search.as_katakana(term))
        conditions.append(sa.or_((Physician.family_name + Physician.given_name).like(like, escape=search.ESCAPE),
                                 (Physician.family_kana + Physician.given_kana).like(kana, escape=search.ESCAPE),
                                 Physician.registry_number.like(like, escape=search.ESCAPE)))
    return sa.select(Certificate).join(Physician, Physician.id == Certificate.physician_id).where(*conditions) \
        .order_by(Physician.family_kana, Physician.given_kana, Physician.id, Certificate.system, Certificate.valid_from)


# --- reminders before expiry ------------------------------------------------------------------------------

#: (stage, months before the end of validity) — the earlier stage is mailed first
REMINDER_STAGES = (("6m", 6), ("3m", 3))


def months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


def due_reminders(session: Session, today: dt.date | None = None) -> list[tuple[Certificate, str]]:
    """Active certificates whose next reminder is due today: [(certificate, stage)], at most one
    stage per certificate (the latest due), never one already sent; none once a renewal is
    issued (a later active certificate of the same system) or while one is under review."""
    today = today or today_jst()
    horizon = years_before(today, -1)
    later = aliased(Certificate)
    renewed = sa.exists().where(later.physician_id == Certificate.physician_id, later.system == Certificate.system,
                                later.status == "active", later.valid_from >= Certificate.valid_until)
    applied = sa.exists().where(
        Application.physician_id == Certificate.physician_id, Application.kind == "certification",
        Application.status.in_((ApplicationStatus.SUBMITTED.value, ApplicationStatus.IN_REVIEW.value,
                                ApplicationStatus.RETURNED.value)),
        Application.payload["system"].as_string() == Certificate.system)
    died = sa.exists().where(  # nobody reminds a member who died (a withdrawal for death)
        Application.physician_id == Certificate.physician_id, Application.kind == "withdrawal",
        Application.status.not_in((ApplicationStatus.CANCELLED.value, ApplicationStatus.REJECTED.value,
                                   ApplicationStatus.DRAFT.value)),
        Application.payload["reason"].as_string() == "death")
    out = []
    for cert in session.scalars(sa.select(Certificate).where(
            Certificate.status == "active", Certificate.valid_until >= today, Certificate.valid_until <= horizon,
            ~renewed, ~applied, ~died)):
        due = [stage for stage, months in REMINDER_STAGES if today >= months_before(cert.valid_until, months)]
        if due and due[-1] not in (cert.reminders or []):
            out.append((cert, due[-1]))
    return out


def send_reminder(session: Session, cert: Certificate, stage: str, missing: list[dict]) -> None:
    """Mail the holder (the credits still missing for renewal listed) and mark the stage sent."""
    physician = session.get(Physician, cert.physician_id)
    if physician.email:
        lang = accounts.lang_of_physician(session, physician.id)
        mail.send(session, physician.email, "certificate_expiring", lang=lang, name=physician.full_name,
                  system=(SYSTEMS_EN if lang == "en" else SYSTEMS)[cert.system], number=cert.number,
                  valid_until=f"{cert.valid_until:%Y/%m/%d}",
                  missing=[{"label": term(m["label"], lang), "missing": figure(m["missing"])} for m in missing])
    cert.reminders = [*(cert.reminders or []), stage]
    audit.record(session, None, "certificate.reminder", "certificate", cert.id, stage=stage)
