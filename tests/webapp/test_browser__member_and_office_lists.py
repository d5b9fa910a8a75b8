"""Real browser at 320 px (axe-core on every page): a member reports a 実地研修 activity and joins a
full session's waiting list; an office opens its 認定医名簿 and the bulk login notices, and enters
a member's handbook credits on the paper-application page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from engine import flows, tasks
from membership import certifications, training
from membership.fields import today_jst

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def test_activity_report_waiting_list_roster_and_login_notices(live_server, chromium):
    app, base = live_server
    engine = app.extensions["mamis_db"].engine
    with Session(engine, expire_on_commit=False) as s:
        holder, _ = approved_member(s, chain=[("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="bwh")
        member, _ = approved_member(s, chain=[("sapporo", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="bwm")
        certifications.add_existing(s, None, member.physician_id, "occupational", "OC-BROWSER-1",
                                    today_jst() - dt.timedelta(days=100), today_jst() + dt.timedelta(days=60))
        app_ = flows.submit_application(s, actor_for(s, "staff@sapporo"), {
            "kind": "session", "title": "定員1名の研修会（ブラウザ試験）", "place": "会議室", "capacity": "1",
            "starts_on": (today_jst() + dt.timedelta(days=9)).isoformat(),
            "credit_items": [{"system": "lifelong", "category": "lecture", "credits": "1"}]})
        for code in ("hokkaido", "jma"):
            staff = actor_for(s, f"staff@{code}")
            tasks.complete_task(s, staff, open_task_for(s, staff, app_.id).id, "approve")
        session_id = app_.payload["session_id"]
        training.register(s, holder, session_id)
        s.commit()
    narrow = lambda: chromium.new_context(bypass_csp=True, viewport={"width": 320, "height": 800},  # noqa: E731
                                          locale="ja-JP")

    doctor = login(narrow(), base, member.login_id)
    doctor.wait_for_url(f"{base}/mypage/")
    expect(doctor.locator("#expiring")).to_contain_text("OC-BROWSER-1")  # ends within six months
    check_page(doctor)
    doctor.goto(f"{base}/mypage/activity")
    check_page(doctor)
    doctor.click("form.form button[type=submit]")  # nothing filled: every field is named
    expect(doctor.locator(".error-summary")).to_contain_text("活動の内容")
    check_page(doctor)
    doctor.fill("#earned_on", (today_jst() - dt.timedelta(days=2)).isoformat())
    doctor.check("#activity-act_home_visit")
    doctor.fill("#detail", "訪問診療 2件")
    doctor.click("form.form button[type=submit]")
    doctor.wait_for_url(f"{base}/mypage/credits#ledger-primary_care")
    expect(doctor.locator("#ledger-primary_care")).to_contain_text("訪問診療の実施")
    check_page(doctor)

    doctor.goto(f"{base}/sessions/{session_id}")
    check_page(doctor)
    doctor.click("#wait-button")
    expect(doctor.locator("#waiting")).to_contain_text("順番: 1")
    check_page(doctor)

    office = login(narrow(), base, "staff@sapporo")
    office.wait_for_url(f"{base}/inbox")
    office.goto(f"{base}/members/certified?state=expiring")
    expect(office.locator("#roster")).to_contain_text("OC-BROWSER-1")
    check_page(office)
    office.goto(f"{base}/members/credentials")
    expect(office.locator("#credential-targets")).to_be_visible()
    check_page(office)
    office.goto(f"{base}/members/{member.physician_id}/certification")  # a paper application, its credits
    office.select_option("#entry-kind", "occupational:basic_early")
    office.fill("#entry-credits", "14")
    office.fill("#entry-earned_on", "2024-06-01")
    office.fill("#entry-note", "産業医手帳 p.3")
    office.click("#entry-form button[type=submit]")
    expect(office.locator("#entries")).to_contain_text("産業医手帳 p.3")
    check_page(office)


def test_co_organisers_are_found_by_name_and_stay_ticked_under_the_csp(live_server, chromium):
    """共催 picker: htmx (under the app's own CSP) lists the matches of what is typed; a ticked
    association stays ticked while the next search runs."""
    _app, base = live_server
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")  # keeps the CSP
    page = login(context, base, "staff@sapporo", axe=False)
    page.wait_for_url(f"{base}/inbox")
    page.goto(f"{base}/sessions/new")
    page.fill("#co_q", "小樽")
    page.check("#co-organiser-choices input[value=otaru]")
    page.fill("#co_q", "産業保健")
    expect(page.locator("#co-organiser-choices input[value=hoken_kenkyu]")).to_be_visible()
    assert page.is_checked("#co-organiser-choices input[value=otaru]")
    assert page.locator("#co-organiser-choices input[value=sapporo]").count() == 0
