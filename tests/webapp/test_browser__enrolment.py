"""Real browser: Debian's chromium, driven by Playwright, through the whole enrolment and approval.

Every page visited is checked with axe-core (no serious or critical violation) and at 320 px wide.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from membership.physicians import register_physician

from ..helpers import future
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def _physician(app, prefix: str, family_name: str, family_kana: str) -> str:
    """A new physician with a member account, committed for the live server: their login ID."""
    with Session(app.extensions["mamis_db"].engine) as s:
        login_id = f"{prefix}{uuid.uuid4().hex[:8]}"
        register_physician(s, None, login_id=login_id, password="Mamis#2024", family_name=family_name,
                           given_name="花子", family_kana=family_kana, given_kana="ハナコ",
                           email=f"{login_id}@example.jp")
        s.commit()
    return login_id


def test_enrolment_through_the_browser_and_approval_in_the_inbox(live_server, chromium):
    app, base = live_server
    login_id = _physician(app, "br", "画面", "ガメン")

    context = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = login(context, base, login_id)
    page.wait_for_url(f"{base}/mypage/")
    assert "現在、申請はありません" in page.content()
    check_page(page)

    page.click("text=入会届 >> nth=0")
    # choosing the prefecture fills the cities, choosing the city shows the associations (htmx)
    page.wait_for_load_state("load")  # htmx listens from then on (a choice made sooner is lost)
    page.select_option("#pref", "北海道")
    page.wait_for_selector("#city option[value='札幌市中央区']", state="attached")
    expect(page.locator("#page-status")).to_contain_text("郡市区を選べます")  # said to a screen reader
    page.select_option("#city", "札幌市中央区")
    page.wait_for_selector("#layer4-chuoeast")
    expect(page.locator("#page-status")).to_have_text("入会を希望する医師会を選べます")
    assert "city=" in page.url  # the choice is in the address (back and reload keep it)
    check_page(page)
    page.check("#layer4-chuoeast")
    page.select_option("#field-category-chuoeast", "A-1")
    # picked, its 会員区分基準 are unfolded (seed 000); the summary folds them again
    assert page.is_visible("text=①個人が開設した病院又は診療所の管理者")
    page.click("#field-layer4 .choice-row:has(#layer4-chuoeast) summary")
    assert not page.is_visible("text=①個人が開設した病院又は診療所の管理者")
    page.check("#layer3-sapporo")
    page.select_option("#field-category-sapporo", "A-1")
    page.check("#join_prefecture")
    page.select_option("#field-category-hokkaido", "A")
    page.check("#join_jma")
    page.select_option("#field-category-jma", "A1")
    page.click("text=入力フォームに進む")

    page.wait_for_url(f"{base}/apply/enrolment/input")
    check_page(page)
    page.fill("#desired_date", future())  # a date input: ISO, whatever the locale shows
    page.fill("#facility_q", "上野")  # htmx fetches the matches while typing
    page.wait_for_selector("label:has-text('上野クリニック 札幌医院')")
    page.click("label:has-text('上野クリニック 札幌医院')")
    page.check("#duty-11")
    page.select_option("#position", "院長")
    page.click("text=確認画面に進む")

    page.wait_for_url(f"{base}/apply/enrolment/confirm")
    check_page(page)
    assert "[1層] 日本医師会" in page.content()
    page.click("text=入会を申請する")
    page.wait_for_url(f"{base}/apply/enrolment/done/*")
    check_page(page)
    page.click("text=マイページTOPへ戻る")
    assert "申請中" in page.inner_text("#status-title + article")

    context.close()

    staff_view = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    staff = login(staff_view, base, "staff@chuoeast")
    staff.wait_for_url(f"{base}/inbox")
    check_page(staff)
    staff.click("#task-table a >> nth=0")
    check_page(staff)
    assert "画面 花子" in staff.content()
    staff.check("#decision-approve")
    staff.fill("#comment", "確認しました")
    staff.click("text=決定する")
    staff.wait_for_url(f"{base}/inbox")
    assert "処理しました" in staff.content()
    staff_view.close()

    member_view = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="ja-JP")
    page = login(member_view, base, login_id)
    page.wait_for_url(f"{base}/mypage/")
    statuses = page.inner_text("#status-title + article table")
    assert "中央区東支部" in statuses and "承認" in statuses
    check_page(page)
    member_view.close()


def test_form_errors_take_the_focus_and_describe_their_fields(live_server, chromium):
    """A form answered with errors: the summary takes the focus, the title says so, every summary
    link leads to something on the page, and each field's message describes its control."""
    app, base = live_server
    login_id = _physician(app, "er", "誤り", "アヤマリ")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="ja-JP")
    page = login(context, base, login_id)
    page.wait_for_url(f"{base}/mypage/")
    page.goto(f"{base}/apply/enrolment?pref=北海道&city=札幌市中央区")
    page.click("text=入力フォームに進む")  # nothing chosen
    page.wait_for_selector(".error-summary")
    assert page.title().startswith("エラー: ")
    expect(page.locator(".error-summary")).to_be_focused()  # (once the page's script has run)
    targets = page.evaluate("""() => [...document.querySelectorAll('.error-summary a')]
        .map(a => !!document.getElementById(a.getAttribute('href').slice(1)))""")
    assert targets and all(targets)
    check_page(page)

    page.check("#layer4-chuoeast")
    page.select_option("#field-category-chuoeast", "A-1")
    page.check("#layer3-none")
    page.click("text=入力フォームに進む")
    page.wait_for_url(f"{base}/apply/enrolment/input")
    page.fill("#desired_date", "2001-04-01")  # in the past
    page.check("#facility-home")
    page.click("text=確認画面に進む")
    page.wait_for_selector("#error-desired_date")
    page.wait_for_load_state("domcontentloaded")  # the page's script ties each message to its field then
    described = page.get_attribute("#desired_date", "aria-describedby").split()
    assert "error-desired_date" in described and page.get_attribute("#desired_date", "aria-invalid") == "true"
    expect(page.locator(".error-summary")).to_be_focused()  # (once the page's script has run)
    context.close()
