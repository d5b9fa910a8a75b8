"""Real browser at 320 px (axe-core on every page): an administrator registers an association,
gives it a member category and creates its secretariat's account; the new secretariat logs in
with the temporary password and must change it first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def test_an_association_its_category_and_its_secretariat(live_server, chromium):
    _app, base = live_server
    narrow = lambda: chromium.new_context(bypass_csp=True, viewport={"width": 320, "height": 800},  # noqa: E731
                                          locale="ja-JP")
    admin = login(narrow(), base, "admin001")
    admin.goto(f"{base}/admin/associations")
    check_page(admin)
    admin.fill("#code", "iwamizawa")
    admin.select_option("#kind", "municipal")
    admin.select_option("#parent", "hokkaido")
    admin.fill("#name", "岩見沢市医師会")
    admin.fill("#kana", "イワミザワシイシカイ")
    admin.fill("#areas", "岩見沢市")
    admin.click("#new-form button[type=submit]")
    admin.wait_for_url(f"{base}/associations/iwamizawa/categories")
    check_page(admin)
    admin.fill("#code", "A")
    admin.fill("#label", "A会員")
    admin.fill("#criteria", "病院・診療所の開設者")
    admin.click("#add-form button[type=submit]")
    expect(admin.locator("#categories input[name=label]").first).to_have_value("A会員")
    check_page(admin)

    admin.goto(f"{base}/admin/users")
    check_page(admin)
    admin.fill("#login_id", "iwamizawa01")
    admin.fill("#name", "岩見沢市医師会 事務局")
    admin.select_option("#role", "secretariat")
    admin.select_option("#association", "iwamizawa")
    admin.click("#new-form button[type=submit]")
    password = admin.inner_text("#handed-password")
    check_page(admin)

    clerk = narrow().new_page()
    clerk.goto(f"{base}/login")
    clerk.fill("#login_id", "iwamizawa01")
    clerk.fill("#password", password)
    clerk.click("form.form button[type=submit]")
    clerk.wait_for_url(f"{base}/account/credentials*")
    check_page(clerk)
