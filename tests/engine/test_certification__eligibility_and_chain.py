"""Certification: the credit requirements come from the decision table (checked at its
boundaries), the window counts five years (or the current certificate's period), and the
application runs city/county → prefecture → JMA, JMA's approval issuing the certificate."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from engine import decisions, flows, tasks
from membership import certifications
from membership.errors import ValidationFailed
from membership.fields import today_jst
from membership.models import Application, Certificate, Notification

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for

TODAY = today_jst()


@pytest.fixture(autouse=True)
def _today():
    """Today in Japan as each test starts: a run crossing midnight JST (15:00 UTC) would otherwise
    compare the code's today with the day the module was imported."""
    global TODAY
    TODAY = today_jst()


def _requirements(session):
    return lambda system, mode: decisions.requirements(session, system, mode)


def _credits(session, member, system, **by_category):
    for category, amount in by_category.items():
        certifications.add_credits(session, member, member.physician_id, system, category, amount,
                                   TODAY - dt.timedelta(days=30), "session", "テスト研修会")


def test_the_requirements_are_read_from_the_decision_table(session):
    new = decisions.requirements(session, "occupational", "new")
    assert {(tuple(r["categories"]), r["minimum"]) for r in new} >= {
        (("basic_early", "basic_practical", "basic_late"), 50)}
    assert {(tuple(r["categories"]), r["minimum"]) for r in decisions.requirements(session, "primary_care", "new")} == {
        (("lifelong_certificate",), 1), (("applied",), 10), (("practice",), 10), (("activities",), 2)}
    assert decisions.requirements(session, "primary_care", "bogus") == []  # no rule: nothing to apply for


@pytest.mark.parametrize("late, eligible", [(25, False), (26, True)])
def test_occupational_new_at_49_and_50_basic_credits(session, late, eligible):
    member, _ = approved_member(session)
    _credits(session, member, "occupational", basic_early=14, basic_practical=10, basic_late=late)
    found = certifications.eligibility(session, member.physician_id, "occupational", _requirements(session))
    assert found["mode"] == "new" and found["eligible"] is eligible
    missing = {r["label"]: r["missing"] for r in found["rows"] if r["missing"]}
    assert missing == ({} if eligible else {"基礎研修（後期）": 1, "基礎研修の合計": 1})


def test_the_new_window_is_five_years_to_the_day(session):
    member, _ = approved_member(session)
    first, last, _ = certifications.window(session, member.physician_id, "occupational")
    assert last == TODAY and first == certifications.years_before(TODAY, 5) + dt.timedelta(days=1)
    for day, expect in ((first, True), (first - dt.timedelta(days=1), False)):  # 5 years minus/plus a day
        entry = certifications.add_credits(session, member, member.physician_id, "occupational", "update", 1, day,
                                           "e_learning")
        assert (certifications.totals(session, member.physician_id, "occupational", first, last)
                .get("update", 0) > 0) is expect
        session.delete(entry)
        session.flush()


@pytest.mark.parametrize("credits, eligible", [
    ({"update": 1, "practical": 1, "specialised": 17}, False),  # 19 in total
    ({"update": 1, "practical": 1, "specialised": 18}, True),
    ({"update": 10, "practical": 10}, False),  # no specialised
])
def test_occupational_renewal_rules(session, credits, eligible):
    member, _ = approved_member(session)
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-T-1",
                            valid_from=TODAY - dt.timedelta(days=4 * 365), valid_until=TODAY + dt.timedelta(days=200),
                            verification_code="TESTCODE0001"))
    session.flush()
    _credits(session, member, "occupational", **credits)
    # credits from before the certificate's period do not count for its renewal
    certifications.add_credits(session, member, member.physician_id, "occupational", "specialised", 5,
                               TODAY - dt.timedelta(days=4 * 365 + 1), "paper")
    found = certifications.eligibility(session, member.physician_id, "occupational", _requirements(session))
    assert found["mode"] == "renewal" and found["eligible"] is eligible


def test_a_renewal_is_issued_once_on_the_same_credits(session):
    """Once the renewal is issued (it starts when the current certificate ends), the physician is
    not eligible again until that period begins: the same credits do not renew twice."""
    member, _ = approved_member(session)
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-R-1",
                            valid_from=TODAY - dt.timedelta(days=4 * 365), valid_until=TODAY + dt.timedelta(days=200),
                            verification_code="TESTCODER001"))
    session.flush()
    _credits(session, member, "occupational", update=1, practical=1, specialised=18)
    app = _apply(session, member)
    assert app.payload["mode"] == "renewal"
    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    renewal = certifications.renewal_of(session, member.physician_id, "occupational")
    assert renewal is not None and renewal.valid_from == TODAY + dt.timedelta(days=201)
    found = certifications.eligibility(session, member.physician_id, "occupational", _requirements(session))
    assert found["renewed"] == renewal and found["eligible"] is False
    with pytest.raises(ValidationFailed) as err:
        _apply(session, member)
    assert err.value.fields["system"] == ("certification_renewed",
                                          {"valid_from": f"{renewal.valid_from:%Y/%m/%d}"})
    # once the renewed period has begun, the next renewal counts from it
    later = renewal.valid_from + dt.timedelta(days=1)
    assert certifications.eligibility(session, member.physician_id, "occupational", _requirements(session),
                                      today=later)["renewed"] is None


@pytest.mark.parametrize("codes, eligible", [(19, False), (20, True)])
def test_lifelong_counts_credits_plus_distinct_curriculum_codes_over_three_years(session, codes, eligible):
    """日医生涯教育認定証: credits (単位数) and curriculum codes (カリキュラムコード数) earned in three
    years add up to at least 60 (the decision table's rule); a code earned twice counts once, and
    what was earned before the three years does not count."""
    member, _ = approved_member(session)
    first, last, mode = certifications.window(session, member.physician_id, "lifelong")
    assert (first, last, mode) == (certifications.years_before(TODAY, 3) + dt.timedelta(days=1), TODAY, "new")
    _credits(session, member, "lifelong", lecture=30, e_learning=8.5, quiz=1.5,
             **{f"cc{n}": 1 for n in range(1, codes + 1)})
    _credits(session, member, "lifelong", cc1=1)  # the same code again
    for category in ("lecture", "cc84"):  # a day before the three years
        certifications.add_credits(session, member, member.physician_id, "lifelong", category, 5,
                                   first - dt.timedelta(days=1), "session")
    found = certifications.eligibility(session, member.physician_id, "lifelong", _requirements(session))
    assert (found["totals"]["units"], found["totals"]["codes"]) == (40, codes)
    assert found["eligible"] is eligible
    assert [(r["label"], r["missing"]) for r in found["rows"]] == [
        ("単位数とカリキュラムコード数の合計（3年間）", 0 if eligible else 1)]


def test_the_lifelong_certificate_is_numbered_ll_and_valid_for_three_years(session):
    member, _ = approved_member(session)
    _credits(session, member, "lifelong", lecture=50, **{f"cc{n}": 1 for n in range(1, 11)})
    app = flows.submit_application(session, member, {"kind": "certification", "system": "lifelong"})
    assert [p.association.code for p in app.parts] == ["sapporo", "hokkaido", "jma"]
    assert (float(app.payload["credits"]["codes"]), float(app.payload["credits"]["units"])) == (10, 50)
    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    [cert] = certifications.certificates_of(session, member.physician_id)
    assert cert.system == "lifelong" and cert.number.startswith(f"LL{TODAY.year}-") and cert.valid_from == TODAY
    assert cert.valid_until == certifications.years_before(TODAY, -3) - dt.timedelta(days=1)
    # the renewal counts from the certificate's first day
    assert certifications.window(session, member.physician_id, "lifelong")[::2] == (TODAY, "renewal")


def test_bad_credit_input_names_the_field(session):
    member, _ = approved_member(session)
    with pytest.raises(ValidationFailed) as err:
        certifications.add_credits(session, member, member.physician_id, "occupational", "nope", -1,
                                   TODAY + dt.timedelta(days=1), "gift")
    assert set(err.value.fields) == {"category", "credits", "earned_on", "source"}


def _apply(session, member):
    return flows.submit_application(session, member, {"kind": "certification", "system": "occupational"})


def member_email(session, member) -> str:
    from membership.models import UserAccount

    return session.get(UserAccount, member.user_id).email


def test_the_chain_issues_a_certificate_after_jma_approves(session):
    member, _ = approved_member(session)
    with pytest.raises(ValidationFailed) as err:
        _apply(session, member)
    assert err.value.fields["system"][0] == "not_eligible"
    _credits(session, member, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    app = _apply(session, member)
    assert [(p.association.code, p.layer, p.action) for p in app.parts] == [
        ("sapporo", 3, "certify"), ("hokkaido", 2, "certify"), ("jma", 1, "certify")]
    assert app.payload["mode"] == "new"
    with pytest.raises(ValidationFailed):  # one pending application per system
        _apply(session, member)
    for code in ("sapporo", "hokkaido"):
        staff = actor_for(session, f"staff@{code}")
        assert open_task_for(session, actor_for(session, "staff@jma"), app.id) is None
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    assert certifications.certificates_of(session, member.physician_id) == []
    jma = actor_for(session, "staff@jma")
    tasks.complete_task(session, jma, open_task_for(session, jma, app.id).id, "approve")
    session.refresh(app)
    assert app.status == "approved"
    [cert] = certifications.certificates_of(session, member.physician_id)
    assert cert.number.startswith(f"OC{TODAY.year}-") and cert.valid_from == TODAY
    assert cert.valid_until == certifications.years_before(TODAY, -5) - dt.timedelta(days=1)
    assert certifications.verify(session, cert.verification_code.lower()) == cert
    assert certifications.state(cert) == "valid"
    from membership.models import Notification

    told = {n.subject: n.body for n in session.scalars(sa.select(Notification).where(
        Notification.to_address == member_email(session, member)))}
    # the last layer's approval does not say the certificate waits for that layer
    last = next(b for s, b in told.items() if s.startswith("【MAMIS】日本医師会が認定申請を承認しました"))
    assert "すべての医師会の承認がそろいました" in last and "日本医師会の承認をもって" not in last
    issued = next(b for s, b in told.items() if "発行しました" in s)
    assert f"有効期間: {cert.valid_from:%Y/%m/%d}〜{cert.valid_until:%Y/%m/%d}" in issued
    assert certifications.state(cert, cert.valid_until + dt.timedelta(days=1)) == "expired"


def test_a_rejection_at_the_prefecture_ends_it_without_a_certificate(session):
    member, _ = approved_member(session)
    _credits(session, member, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    app = _apply(session, member)
    sapporo, hokkaido = actor_for(session, "staff@sapporo"), actor_for(session, "staff@hokkaido")
    tasks.complete_task(session, sapporo, open_task_for(session, sapporo, app.id).id, "approve")
    tasks.complete_task(session, hokkaido, open_task_for(session, hokkaido, app.id).id, "reject", comment="書類不備")
    session.refresh(app)
    assert app.status == "rejected"
    assert open_task_for(session, actor_for(session, "staff@jma"), app.id) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
        Certificate.application_id == app.id)) == 0
    assert session.get(Application, app.id).parts[2].status == "cancelled"


def test_holders_are_reminded_six_and_three_months_before_expiry_once_each(session):
    from membership.models import Notification

    member, _ = approved_member(session)
    until = TODAY + dt.timedelta(days=300)
    cert = Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-T-2",
                       valid_from=until - dt.timedelta(days=5 * 365), valid_until=until,
                       verification_code="TESTCODE0002")
    session.add(cert)
    session.flush()
    _credits(session, member, "occupational", update=1, practical=1)

    def mails():
        return [n for n in session.scalars(sa.select(Notification).where(Notification.subject.like("%有効期限%")))]

    six = certifications.months_before(until, 6)
    assert flows.remind_expiring(session, six - dt.timedelta(days=1)) == 0  # not yet
    assert flows.remind_expiring(session, six) == 1
    assert flows.remind_expiring(session, six + dt.timedelta(days=1)) == 0  # once per stage
    [sent] = mails()
    assert "生涯研修（専門研修）: あと 1 単位" in sent.body and "生涯研修の合計（5年間）: あと 18 単位" in sent.body
    assert f"有効期限は {until:%Y/%m/%d} です" in sent.body  # written as the screens write dates
    three = certifications.months_before(until, 3)
    assert flows.remind_expiring(session, three) == 1 and cert.reminders == ["6m", "3m"]
    # a renewal issued meanwhile stops the reminders
    cert.reminders = ["6m"]
    revoked = Certificate(physician_id=member.physician_id, system="occupational", mode="renewal",
                          number="OC-T-4", valid_from=until + dt.timedelta(days=1), status="revoked",
                          valid_until=until + dt.timedelta(days=5 * 365), verification_code="TESTCODE0004")
    session.add(revoked)
    session.flush()
    assert [c for c, _ in certifications.due_reminders(session, three)] == [cert]  # a revoked one renews nothing
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="renewal",
                            number="OC-T-3", valid_from=until + dt.timedelta(days=1),
                            valid_until=until + dt.timedelta(days=5 * 365), verification_code="TESTCODE0003"))
    session.flush()
    assert flows.remind_expiring(session, three) == 0


def test_no_reminder_while_a_renewal_is_under_review(session):
    member, _ = approved_member(session)
    until = TODAY + dt.timedelta(days=60)
    cert = Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-T-5",
                       valid_from=until - dt.timedelta(days=5 * 365), valid_until=until,
                       verification_code="TESTCODE0005")
    session.add(cert)
    session.flush()
    assert [c for c, _ in certifications.due_reminders(session, TODAY)] == [cert]
    _credits(session, member, "occupational", update=1, practical=1, specialised=18)
    assert _apply(session, member).payload["mode"] == "renewal"
    assert cert not in [c for c, _ in certifications.due_reminders(session, TODAY)]


def test_a_renewal_approved_after_the_certificate_ended_continues_it(session, monkeypatch):
    """JMA's board approves in batches: a renewal filed before the certificate ended and approved
    after it starts the day after it ended, not on the day of approval (no uncertified gap)."""
    member, _ = approved_member(session)
    until = TODAY + dt.timedelta(days=5)
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-T-6",
                            valid_from=until - dt.timedelta(days=5 * 365), valid_until=until,
                            verification_code="TESTCODE0006"))
    session.flush()
    _credits(session, member, "occupational", update=1, practical=1, specialised=18)
    app = _apply(session, member)
    for code in ("sapporo", "hokkaido"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    monkeypatch.setattr(certifications, "today_jst", lambda: until + dt.timedelta(days=35))
    staff = actor_for(session, "staff@jma")
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    issued = session.scalar(sa.select(Certificate).where(Certificate.application_id == app.id))
    assert issued.mode == "renewal" and issued.valid_from == until + dt.timedelta(days=1)
    assert issued.valid_until == certifications.years_before(issued.valid_from, -5) - dt.timedelta(days=1)


def test_a_holder_using_english_reads_the_requirements_and_the_certificate_in_english(session):
    from membership.models import Notification, UserAccount

    member, _ = approved_member(session)
    session.get(UserAccount, member.user_id).lang = "en"
    until = TODAY + dt.timedelta(days=300)
    session.add(Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-T-4",
                            valid_from=until - dt.timedelta(days=5 * 365), valid_until=until,
                            verification_code="TESTCODE0004"))
    _credits(session, member, "occupational", update=1, practical=1)
    assert flows.remind_expiring(session, certifications.months_before(until, 6)) == 1
    address = session.get(UserAccount, member.user_id).email
    [reminder] = session.scalars(sa.select(Notification).where(Notification.to_address == address,
                                                               Notification.subject.like("%expires soon%"))).all()
    assert "- Continuing training (specialised): 1 more" in reminder.body
    assert "- Continuing training, total (5 years): 18 more" in reminder.body
    member, _ = approved_member(session)  # a first certificate
    session.get(UserAccount, member.user_id).lang = "en"
    address = session.get(UserAccount, member.user_id).email
    _credits(session, member, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    app = _apply(session, member)
    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    issued = session.scalar(sa.select(Notification.subject).where(Notification.to_address == address,
                                                                  Notification.subject.like("%issued%")))
    assert issued == "[MAMIS] Your certificate has been issued: Certificate of JMA certified occupational physician"


def _lifelong_certificate(session, member, valid_from, status="active"):
    session.add(Certificate(physician_id=member.physician_id, system="lifelong", mode="new",
                            number=f"LLT{valid_from:%y%m%d}{status[0]}", valid_from=valid_from,
                            valid_until=certifications.years_before(valid_from, -3) - dt.timedelta(days=1),
                            verification_code=f"T{valid_from:%Y%m%d}{status[:3].upper()}", status=status))
    session.flush()


def test_primary_care_asks_for_the_lifelong_certificate_applied_lectures_and_two_activities(session):
    """かかりつけ医機能研修: in three years, a 日医生涯教育認定証 valid on some day of them (基本研修),
    10 credits of 応用研修 and 実地研修 of at least 10 credits from two different activities."""
    member, _ = approved_member(session)
    first, _, mode = certifications.window(session, member.physician_id, "primary_care")
    assert (first, mode) == (certifications.years_before(TODAY, 3) + dt.timedelta(days=1), "new")
    _credits(session, member, "primary_care", applied=10)
    day = TODAY - dt.timedelta(days=3)
    certifications.report_activity(session, member, day, "act_home_visit", "訪問診療 3件")
    certifications.report_activity(session, member, TODAY, "act_home_visit", "訪問診療 1件")  # the same kind again
    _lifelong_certificate(session, member, first - dt.timedelta(days=3 * 366), status="active")  # ended before
    _lifelong_certificate(session, member, TODAY - dt.timedelta(days=100), status="revoked")

    def missing():
        found = certifications.eligibility(session, member.physician_id, "primary_care", _requirements(session))
        return {r["label"]: r["missing"] for r in found["rows"] if r["missing"]}, found["eligible"]

    assert missing() == ({"基本研修（日医生涯教育認定証）": 1, "実地研修の活動の種類": 1}, False)
    certifications.report_activity(session, member, day, "act_opinion", "主治医意見書 2件")
    _lifelong_certificate(session, member, first - dt.timedelta(days=400))  # valid into the three years
    assert missing() == ({}, True)


def test_primary_care_is_reviewed_up_to_the_prefecture_which_issues_it(session):
    member, _ = approved_member(session)
    _credits(session, member, "primary_care", applied=12)
    for activity in ("act_school", "act_care_meeting"):
        certifications.report_activity(session, member, TODAY, activity, "活動")
    _lifelong_certificate(session, member, TODAY - dt.timedelta(days=10))
    app = flows.submit_application(session, member, {"kind": "certification", "system": "primary_care"})
    assert [p.association.code for p in app.parts] == ["sapporo", "hokkaido"]
    for code in ("sapporo", "hokkaido"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "approve")
    assert open_task_for(session, actor_for(session, "staff@jma"), app.id) is None
    cert = next(c for c in certifications.certificates_of(session, member.physician_id) if c.system == "primary_care")
    assert cert.number.startswith(f"PC{TODAY.year}-") and cert.valid_from == TODAY
    assert cert.valid_until == certifications.years_before(TODAY, -3) - dt.timedelta(days=1)
    assert certifications.issuer(session, cert) == "北海道医師会"
    lifelong = next(c for c in certifications.certificates_of(session, member.physician_id) if c.system == "lifelong")
    assert certifications.issuer(session, lifelong) == "公益社団法人 日本医師会"


def test_an_activity_is_reported_once_a_day_and_bad_input_names_the_field(session):
    member, _ = approved_member(session)
    entry = certifications.report_activity(session, member, TODAY, "act_respite", "レスパイト入院の受入れ")
    assert (entry.system, entry.credits, entry.source) == ("primary_care", certifications.ACTIVITY_CREDITS, "self")
    with pytest.raises(ValidationFailed) as again:
        certifications.report_activity(session, member, TODAY, "act_respite", "もう一度")
    assert again.value.fields["activity"][0] == "activity_reported"
    with pytest.raises(ValidationFailed) as bad:
        certifications.report_activity(session, member, TODAY + dt.timedelta(days=1), "act_golf", " ")
    assert set(bad.value.fields) == {"activity", "detail", "earned_on"}


def test_a_certificate_revoked_while_its_renewal_is_reviewed_is_not_renewed(app, session):
    """Revoking a certificate stops its renewal: the issuing layer's approval is refused naming the
    certificate (its task page says so to every layer), nothing is issued, the holder is mailed,
    and the revoked certificate is no longer printed."""
    from ..helpers import login_client as login

    member, _ = approved_member(session, prefix="rvk")
    held = Certificate(physician_id=member.physician_id, system="occupational", mode="new", number="OC-RV-1",
                       valid_from=TODAY - dt.timedelta(days=4 * 365), valid_until=TODAY + dt.timedelta(days=200),
                       verification_code="TESTCODERV01")
    session.add(held)
    session.flush()
    _credits(session, member, "occupational", update=1, practical=1, specialised=18)
    renewal = _apply(session, member)
    assert renewal.payload["mode"] == "renewal"
    for code in ("sapporo", "hokkaido"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, renewal.id).id, "approve")
    certifications.revoke(session, actor_for(session, "admin001"), "OC-RV-1", "虚偽申請")
    session.flush()
    [told] = session.scalars(sa.select(Notification).where(Notification.to_address == f"{member.login_id}@example.jp",
                                                           Notification.subject.like("%取り消されました%"))).all()
    assert "OC-RV-1" in told.body and "虚偽申請" in told.body

    jma = actor_for(session, "staff@jma")
    task = open_task_for(session, jma, renewal.id)
    assert "OC-RV-1" in login(app, "staff@jma").get(f"/tasks/{task.id}").get_data(as_text=True)
    step = session.begin_nested()  # as a request does, the refused step is rolled back whole
    with pytest.raises(ValidationFailed) as err:
        tasks.complete_task(session, jma, task.id, "approve")
    step.rollback()
    assert err.value.fields["decision"] == ("renewal_of_revoked", {"number": "OC-RV-1"})
    session.expire_all()
    assert certifications.renewal_of(session, member.physician_id, "occupational") is None
    tasks.complete_task(session, jma, open_task_for(session, jma, renewal.id).id, "reject", comment="取消済み")
    assert session.get(Application, renewal.id).status == "rejected"
    assert [c.number for c in certifications.certificates_of(session, member.physician_id)] == ["OC-RV-1"]
    assert login(app, member.login_id).get(f"/mypage/certificates/{held.id}.pdf").status_code == 404


def test_the_reviewers_start_at_the_city_of_the_nearest_association(app, session):
    """A district's member (the city skipped) is reviewed from the district's city; a member of the
    prefecture and JMA only from the prefecture; a physician in no association has nobody to review
    and My Page says so instead of offering an application it would refuse."""
    from ..conftest import new_member
    from ..helpers import login_client as login

    def codes(member, system="occupational"):
        return [a.code for a in certifications.chain_for(session, member.physician_id, system)]

    district, _ = approved_member(session, chain=[("chuoeast", "A-1")], prefix="dso")
    assert codes(district) == ["sapporo", "hokkaido", "jma"]
    assert codes(district, "primary_care") == ["sapporo", "hokkaido"]
    upper, _ = approved_member(session, chain=[("hokkaido", "A"), ("jma", "A1")], prefix="upo")
    assert codes(upper) == ["hokkaido", "jma"]
    _credits(session, district, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    app_ = _apply(session, district)
    assert [p.association.code for p in app_.parts] == ["sapporo", "hokkaido", "jma"]

    outsider = new_member(session, prefix="nmo")
    assert codes(outsider) == []
    _credits(session, outsider, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    page = login(app, outsider.login_id).get("/mypage/credits").get_data(as_text=True)
    card = page.split('id="eligibility-occupational"', 1)[1].split("</article>", 1)[0]
    assert "申請できません" in card and 'id="no-reviewer-occupational"' in card and "認定を申請する" not in card


def test_the_city_reviewing_a_districts_member_sees_what_it_is_and_lists_the_certificate(app, session):
    """The city reviews the certification of a member of its district only: its member list says
    an application is under review (not 入会申請中), and once issued the certificate it reviewed is
    on its roster, with the district as 所属医師会."""
    from ..helpers import login_client as login

    district, _ = approved_member(session, chain=[("chuowest", "A-1")], prefix="dwr")
    _credits(session, district, "occupational", basic_early=14, basic_practical=10, basic_late=26)
    filed = _apply(session, district)
    city = login(app, "staff@sapporo")
    listing = city.get(f"/members?q={district.login_id}").get_data(as_text=True)
    row = listing.split(f'href="/members/{district.physician_id}"', 1)[1].split("</tr>", 1)[0]
    assert "審査中の申請あり（会員外）" in row and "入会申請中" not in row
    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, filed.id).id, "approve")
    [cert] = certifications.certificates_of(session, district.physician_id)
    rows, _ = certifications.roster(session, actor_for(session, "staff@sapporo"), system="occupational",
                                    limit=100_000)
    assert cert.number in {c.number for c in rows}
    assert certifications.roster_affiliations(session, actor_for(session, "staff@sapporo"),
                                              [district.physician_id]) == {district.physician_id: "中央区西支部"}


@pytest.mark.parametrize(("start", "years", "last"), [
    (dt.date(2027, 4, 1), 5, dt.date(2032, 3, 31)), (dt.date(2028, 2, 29), 5, dt.date(2033, 2, 28)),
    (dt.date(2028, 2, 29), 3, dt.date(2031, 2, 28)), (dt.date(2028, 2, 29), 4, dt.date(2032, 2, 28)),
    (dt.date(2027, 3, 1), 1, dt.date(2028, 2, 29)),
])
def test_a_certificates_last_day_is_the_day_before_the_same_date_or_its_months_end(start, years, last):
    """民法143条: a period from 29 February ends at the end of February, not a day short."""
    assert certifications.last_day_of(start, years) == last
