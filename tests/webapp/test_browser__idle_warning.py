"""Real browser: before the idle logout a notice says it is coming and offers to extend the login
(WCAG 2.2.1); extending asks the server, the notice goes and the focus returns where it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import login

pytestmark = [pytest.mark.browser]


def test_the_idle_logout_is_warned_of_and_the_login_extended(live_server, chromium, monkeypatch):
    from webapp import security

    app, base = live_server
    # a staff login of 312 seconds, warned 300 seconds ahead: the warning is due in 12 seconds
    monkeypatch.setattr(security, "IDLE_LIMIT_STAFF", 312)
    monkeypatch.setattr(security, "IDLE_WARNING", 300)
    app.jinja_env.globals["idle_warning"] = 300
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")  # the app's CSP
    try:
        page = login(context, base, "staff@chuoeast", axe=False)
        page.wait_for_url(f"{base}/inbox")
        page.focus("#tab-open")
        notice = page.locator("#idle-warning")
        expect(notice).to_be_visible(timeout=25_000)
        expect(notice).to_have_attribute("role", "alertdialog")
        assert "まもなく自動でログアウトします" in notice.inner_text()
        expect(page.locator("#idle-extend")).to_be_focused()
        with page.expect_response(lambda r: r.url.endswith("/keepalive") and r.status == 204):
            page.click("#idle-extend")
        expect(notice).to_be_hidden()
        expect(page.locator("#tab-open")).to_be_focused()  # back where the clerk was
    finally:
        app.jinja_env.globals["idle_warning"] = security.IDLE_WARNING
        context.close()
