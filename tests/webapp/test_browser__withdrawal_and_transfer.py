"""Real browser: the withdrawal (退会届) and the transfer (異動届) through the real pages, every page
checked with axe-core. With MAMIS_SCREENSHOTS=<dir> each step is saved there (docs/screens/)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy.orm import Session

from membership.fields import today_jst

from ..helpers import approved_member
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def shot(page, name):
    folder = os.environ.get("MAMIS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def full_member(app):
    with Session(app.extensions["mamis_db"].engine, expire_on_commit=False) as s:
        member, group_id = approved_member(s, prefix="bw")
        s.commit()
        return member, group_id


def test_withdrawal_in_the_browser(live_server, chromium):
    app, base = live_server
    member, group_id = full_member(app)
    context = chromium.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True, locale="ja-JP")
    page = login(context, base, member.login_id)
    page.wait_for_url(f"{base}/mypage/")
    page.click("main >> text=退会届")
    page.wait_for_url(f"{base}/apply/withdrawal")
    check_page(page)
    shot(page, "withdrawal-1-retention")
    page.click("text=退会する")
    check_page(page)
    shot(page, "withdrawal-2-sure")
    page.click("text=実行する")
    page.wait_for_url(f"{base}/apply/withdrawal/form")
    check_page(page)
    page.check(f"#leave-{group_id}-hokkaido")
    page.fill("#desired_date", (today_jst() + dt.timedelta(days=30)).isoformat())
    page.check("#reason-retirement")
    shot(page, "withdrawal-3-form")
    page.click("button:has-text('確認画面に進む')")
    page.wait_for_url(f"{base}/apply/withdrawal/confirm")
    check_page(page)
    leaving = page.inner_text("#leaving")
    assert "北海道医師会" in leaving and "日本医師会" in leaving and "札幌市医師会" not in leaving
    shot(page, "withdrawal-4-confirm")
    page.click("button:has-text('退会を申請する')")
    page.wait_for_url(f"{base}/apply/withdrawal/done/*")
    check_page(page)
    shot(page, "withdrawal-5-done")
    page.click("text=マイページTOPへ戻る")
    card = page.locator("article.application", has_text="退会届")
    assert "申請中" in card.inner_text() and card.locator("text=修正").count() == 1
    shot(page, "withdrawal-6-mypage")
    # 削除 asks first: saying no keeps the application, yes cancels it
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    card.locator("button:has-text('削除')").click()
    page.wait_for_timeout(300)
    assert asked and "取り消しますか" in asked[0] and "申請中" in card.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        card.locator("button:has-text('削除')").click()
    assert "取消" in page.locator("article.application", has_text="退会届").inner_text()
    context.close()


def test_transfer_in_the_browser(live_server, chromium):
    app, base = live_server
    member, group_id = full_member(app)
    context = chromium.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True, locale="ja-JP")
    page = login(context, base, member.login_id)
    page.wait_for_url(f"{base}/mypage/")
    page.click("main >> text=異動届")
    page.wait_for_url(f"{base}/apply/transfer")
    check_page(page)
    page.select_option("#pref", "北海道")
    page.wait_for_selector("#city option[value='札幌市北区']", state="attached")
    page.select_option("#city", "札幌市北区")
    page.wait_for_selector("#layer4-kitaku")
    check_page(page)
    page.check("#layer4-kitaku")
    page.select_option("#field-category-kitaku", "B-2")
    page.fill("#facility_q", "北区")
    page.wait_for_selector("label:has-text('札幌北区ファミリークリニック')")
    page.click("label:has-text('札幌北区ファミリークリニック')")
    page.check("#duty-21")
    page.select_option("#position", "院長")
    page.fill("#desired_date", (today_jst() + dt.timedelta(days=14)).isoformat())
    shot(page, "transfer-1-form")
    page.click("button:has-text('確認画面に進む')")
    page.wait_for_url(f"{base}/apply/transfer/confirm")
    check_page(page)
    parts = page.inner_text("#transfer-parts")
    assert "中央区東支部" in parts and "北区支部" in parts and "日本医師会" not in parts
    assert "日本医師会に記録されます" in page.inner_text("#jma-record")
    assert "院長" in page.inner_text("dl.summary")
    shot(page, "transfer-2-confirm")
    page.click(".actions button:has-text('異動を申請する')")
    page.wait_for_url(f"{base}/apply/transfer/done/*")
    check_page(page)
    shot(page, "transfer-3-done")
    context.close()
