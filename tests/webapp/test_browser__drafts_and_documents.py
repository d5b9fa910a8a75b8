"""Real browser: the enrolment wizard with documents uploaded, 一時保存 and resumption from My Page.

With MAMIS_SCREENSHOTS=<dir> each step is saved as a PNG there (docs/screens/ holds a set).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy.orm import Session

from membership.physicians import register_physician

from ..helpers import future
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shot(page, name):
    folder = os.environ.get("MAMIS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_documents_a_draft_and_its_resumption_in_the_browser(live_server, chromium):
    app, base = live_server
    with Session(app.extensions["mamis_db"].engine) as s:
        login_id = f"dr{uuid.uuid4().hex[:8]}"
        register_physician(s, None, login_id=login_id, password="Mamis#2024", family_name="下書",
                           given_name="二郎", family_kana="シタガキ", given_kana="ジロウ",
                           email=f"{login_id}@example.jp")
        s.commit()
    context = chromium.new_context(viewport={"width": 1024, "height": 900}, bypass_csp=True, locale="ja-JP")
    page = login(context, base, login_id)
    page.wait_for_url(f"{base}/mypage/")
    page.goto(f"{base}/apply/enrolment?pref=北海道&city=札幌市中央区")
    criteria = "#field-layer4 .choice-row:has(#layer4-chuoeast) details.criteria"
    assert page.eval_on_selector(criteria, "d => d.open") is False
    page.check("#layer4-chuoeast")  # picked: its 会員区分基準 unfold (seed 000)
    assert page.eval_on_selector(criteria, "d => d.open") is True
    page.select_option("#field-category-chuoeast", "A-1")
    page.check("#layer3-sapporo")
    page.select_option("#field-category-sapporo", "A-1")
    shot(page, "enrolment-1-choose")
    page.click("text=入力フォームに進む")
    page.wait_for_url(f"{base}/apply/enrolment/input")
    page.set_input_files("#file-chuoeast", files=[{"name": "医師免許証.pdf", "mimeType": "application/pdf",
                                                   "buffer": PDF}])
    page.click("text=アップロードする")
    page.wait_for_selector("text=医師免許証.pdf")
    check_page(page)
    page.set_input_files("#file-sapporo", files=[{"name": "setup.pdf", "mimeType": "application/pdf",
                                                  "buffer": b"MZ" + b"\x00" * 100}])
    page.click("text=アップロードする")
    page.wait_for_selector("text=ZIPのいずれか")  # refused, with the reason, beside the field
    assert page.locator("#field-file-sapporo").inner_text().count("setup.pdf") == 1
    shot(page, "enrolment-2-input-documents")
    page.select_option("#position", "院長")
    page.click("text=一時保存する")
    page.wait_for_url(f"{base}/mypage/")
    assert "一時保存しました" in page.content()
    shot(page, "mypage-draft")
    check_page(page)

    page.click("text=続きから入力する")
    page.wait_for_url(f"{base}/apply/enrolment/input")
    assert page.input_value("#position") == "院長" and page.is_visible("text=医師免許証.pdf")
    page.fill("#desired_date", future())  # a date input: ISO, whatever the locale shows
    page.fill("#facility_q", "上野")
    page.wait_for_selector("label:has-text('上野クリニック 札幌医院')")
    page.click("label:has-text('上野クリニック 札幌医院')")
    page.check("#duty-11")
    page.click("text=確認画面に進む")
    page.wait_for_url(f"{base}/apply/enrolment/confirm")
    assert "医師免許証.pdf" in page.inner_text("#documents")
    shot(page, "enrolment-3-confirm")
    check_page(page)
    page.click("text=入会を申請する")
    page.wait_for_url(f"{base}/apply/enrolment/done/*")
    page.goto(f"{base}/mypage/")
    assert "作成中の申請" not in page.content()  # the draft became the application
    context.close()
