"""Real browser, issue 7 end to end: an association files a session, the prefecture approves on
the task page and JMA in bulk, a member applies, the organiser reports the attendance, the credits
appear on My Page, the member applies for certification, every layer approves in bulk, and the
certificate is downloaded and verified."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from membership import certifications
from membership.fields import today_jst
from membership.models import TrainingSession

from ..helpers import approved_member
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]
TITLE = "産業医基礎研修会（ブラウザ試験）"


def _shot(page, name):
    if os.environ.get("MAMIS_SCREENSHOTS"):
        page.screenshot(path=os.environ["MAMIS_SCREENSHOTS"] + f"/{name}.png", full_page=True)


def _bulk_approve(context, base, login_id, label):
    page = login(context, base, login_id)
    page.wait_for_url(f"{base}/inbox")
    row = page.locator(f"tr:has-text('{label}')").first
    row.locator("input[name=task_ids]").check()
    page.click("button[name=scope][value=selected]")
    page.wait_for_url(f"{base}/inbox/bulk/*")
    # worked beside the request (the embedded default): the run's page follows it until it is done
    expect(page.locator("#bulk-status")).to_have_text("完了", timeout=30_000)
    assert page.inner_text("#bulk-succeeded") == "1" and page.inner_text("#bulk-failed") == "0"
    page.close()


def test_session_to_certificate(live_server, chromium):
    app, base = live_server
    engine = app.extensions["mamis_db"].engine
    with Session(engine, expire_on_commit=False) as s:
        member, _ = approved_member(s, chain=[("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="brw")
        s.commit()
    new = lambda: chromium.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900},  # noqa: E731
                                       locale="ja-JP")

    # the organiser files the session
    staff = login(new(), base, "staff@sapporo")
    staff.goto(f"{base}/sessions/new")
    check_page(staff)
    staff.fill("#title", TITLE)
    staff.fill("#starts_on", (today_jst() + dt.timedelta(days=7)).isoformat())
    staff.fill("#place", "札幌市医師会館 大ホール")
    staff.fill("#capacity", "30")
    for i, (kind, credits) in enumerate((("occupational:basic_early", "14"), ("occupational:basic_practical", "10"),
                                         ("occupational:basic_late", "26")), start=1):
        staff.select_option(f"#credit_kind_{i}", kind)
        staff.fill(f"#credits_{i}", credits)
    staff.click("form.form button.primary[type=submit]")
    staff.wait_for_load_state()
    assert staff.locator("#session-state").count() == 1, staff.inner_text("main")[:500]
    assert "承認待ち" in staff.inner_text("#session-state")
    session_url = staff.url

    # the prefecture approves on the task page, JMA in bulk from its inbox
    hokkaido = login(new(), base, "staff@hokkaido")
    hokkaido.wait_for_url(f"{base}/inbox")
    hokkaido.click(f"tr:has-text('{TITLE}') a")
    assert "札幌市医師会館 大ホール" in hokkaido.inner_text("main")
    hokkaido.check("#decision-approve")
    hokkaido.click("text=決定する")
    hokkaido.wait_for_url(f"{base}/inbox")
    _bulk_approve(new(), base, "staff@jma", TITLE)

    # a member applies
    doctor = login(new(), base, member.login_id)
    doctor.goto(f"{base}/sessions/")
    check_page(doctor)
    doctor.click(f"text={TITLE}")
    doctor.click("#register-button")
    doctor.wait_for_selector("#registered")

    # the session is held (time passes), the organiser files the report
    with Session(engine) as s:
        ts = s.scalar(sa.select(TrainingSession).where(TrainingSession.title == TITLE))
        ts.starts_on = ts.ends_on = today_jst() - dt.timedelta(days=1)
        s.commit()
    staff.goto(session_url)
    check_page(staff)
    staff.locator("#attendees input[name=attended]").first.check()
    _shot(staff, "session-report")
    staff.once("dialog", lambda dialog: dialog.accept())  # credits cannot be taken back: asked first
    staff.click("text=開催報告を提出する")
    staff.wait_for_selector(".notice-success")
    assert "開催報告済み" in staff.inner_text("#session-state")

    # the credits are on My Page; the member applies for certification
    doctor.goto(f"{base}/mypage/credits")
    check_page(doctor)
    doctor.click("#ledger-occupational summary")  # the records, folded by default
    assert TITLE in doctor.inner_text("#ledger-occupational")
    assert "申請できます" in doctor.inner_text("#eligibility-occupational")
    _shot(doctor, "credits-and-eligibility")
    doctor.click("#apply-occupational")  # to the 確認 step, then apply
    doctor.wait_for_selector("#certification-confirm")
    check_page(doctor)
    doctor.click("form[enctype] button[type=submit]")
    doctor.wait_for_selector(".notice-success")

    # every layer approves in bulk after its board meeting
    name = doctor.inner_text(".profile") if doctor.locator(".profile").count() else ""
    for code in ("sapporo", "hokkaido", "jma"):
        _bulk_approve(new(), base, f"staff@{code}", "認定申請")
    assert name is not None

    # the certificate: listed, downloaded as PDF, and verified on the public page
    doctor.goto(f"{base}/mypage/credits")
    row = doctor.locator("#certificates tbody tr").first
    assert "有効" in row.inner_text()
    href = row.locator("a").get_attribute("href")
    pdf = doctor.request.get(base + href)
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    _shot(doctor, "certificate-listed")
    with Session(engine) as s:
        [cert] = certifications.certificates_of(s, member.physician_id)
        code = cert.verification_code
    public = new().new_page()
    public.goto(f"{base}/verify")
    check_page(public)
    public.fill("#code", code)
    public.click("button[type=submit]")
    assert public.locator("[data-state=valid]").count() == 1
