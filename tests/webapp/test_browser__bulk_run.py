"""Real browser: a bulk run's page follows the run by itself (htmx, under the app's CSP) until it
is finished, then lists what failed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from engine import bulk
from membership.actors import Actor
from membership.models import UserAccount

from ..conftest import new_member
from ..helpers import file_enrolment, open_task_for
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def test_the_run_page_follows_the_run_until_it_is_finished(live_server, chromium):
    app, base = live_server
    engine = app.extensions["mamis_db"].engine
    with Session(engine, expire_on_commit=False) as s:
        staff = Actor.of(s.query(UserAccount).filter_by(login_id="staff@chuoeast").one())
        ids = [open_task_for(s, staff, file_enrolment(s, new_member(s, "bulkbr")).id).id for _ in range(2)]
        run = bulk.start(s, staff, [*ids, 999999], "approve", "理事会（ブラウザ試験）")
        s.commit()  # queued; no worker has it yet

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")  # the app's CSP
    page = login(context, base, "staff@chuoeast", axe=False)
    page.wait_for_url(f"{base}/inbox")
    assert "一括承認を処理中: 0 / 3" in page.inner_text("main")
    page.click(f"a[href='/inbox/bulk/{run.id}']")
    assert page.inner_text("#bulk-status") == "待機中"

    bulk.run_to_end(app.extensions["mamis_db"].session_factory, run.id)  # the worker, meanwhile

    # no reload: the page asks for its progress every two seconds and stops once finished
    expect(page.locator("#bulk-status")).to_have_text("完了", timeout=10_000)
    assert page.inner_text("#bulk-succeeded") == "2" and page.inner_text("#bulk-failed") == "1"
    failures = page.inner_text(".error-summary")
    assert "#999999" in failures and "見つかりません" in failures
    context.close()

    audit = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = login(audit, base, "staff@chuoeast")
    page.wait_for_url(f"{base}/inbox")
    for url in (f"/inbox/bulk/{run.id}", "/inbox/bulk-runs"):  # the run, and the office's history
        page.goto(base + url)
        check_page(page)  # accessible, and no wider than a phone
    assert f"#{run.id}" in page.inner_text("main")
    audit.close()


def test_every_task_of_the_page_is_selected_at_once_and_approved_in_the_background(live_server, chromium):
    app, base = live_server
    engine = app.extensions["mamis_db"].engine
    with Session(engine, expire_on_commit=False) as s:
        staff = Actor.of(s.query(UserAccount).filter_by(login_id="staff@chuoeast").one())
        for _ in range(2):
            open_task_for(s, staff, file_enrolment(s, new_member(s, "bulkall")).id)
        s.commit()
        assert app.config["EMBEDDED_BACKGROUND"]  # the embedded default, as `make run` has it

    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = login(context, base, "staff@chuoeast", axe=False)
    page.wait_for_url(f"{base}/inbox")
    boxes = page.locator("input[name=task_ids]")
    everything = page.get_by_label("このページのタスクをすべて選択")
    assert boxes.count() >= 2
    everything.check()
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    boxes.first.uncheck()  # some, not all: the header box says so
    assert not everything.is_checked() and everything.evaluate("box => box.indeterminate")
    boxes.first.check()
    assert everything.is_checked() and not everything.evaluate("box => box.indeterminate")
    chosen = boxes.count()

    page.fill("#bulk-comment", "理事会（全件選択）")
    page.get_by_role("button", name="選択したタスクを承認する").click()
    page.wait_for_url(f"{base}/inbox/bulk/*")
    # worked beside the request: the page follows the run until it is finished
    expect(page.locator("#bulk-status")).to_have_text("完了", timeout=30_000)
    assert page.inner_text("#bulk-succeeded") == str(chosen) and page.inner_text("#bulk-failed") == "0"
    page.goto(f"{base}/inbox")
    assert "タスクはありません。" in page.inner_text("main")
    context.close()


def test_a_member_import_is_checked_then_written_in_the_background(live_server, chromium, tmp_path):
    """データ取込み in a real browser: the file is checked, confirmed without choosing it again, then
    written by the embedded background thread while the run's page follows it; the screen lists the
    run afterwards."""
    from .test_members__import_export import csv_bytes, numbers

    app, base = live_server
    assert app.config["EMBEDDED_BACKGROUND"]
    roster = tmp_path / "名簿.csv"
    roster.write_bytes(csv_bytes([[n, "画面", "一郎", "ガメン", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]
                                  for n in numbers(2)], encoding="cp932"))
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = login(context, base, "staff@otaru", axe=False)
    page.goto(f"{base}/members/import")
    page.set_input_files("#file", str(roster))
    page.click("button[value=check]")
    assert page.inner_text("#good-rows") == "2" and page.inner_text("#bad-rows") == "0"
    page.click("#confirm-import button")  # the file checked is imported without choosing it again
    page.wait_for_url(f"{base}/imports/*")
    expect(page.locator("#import-status")).to_have_text("完了", timeout=15_000)
    assert page.inner_text("#import-created") == "2"
    context.close()

    audit = chromium.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True, locale="ja-JP")
    page = login(audit, base, "staff@otaru")
    page.goto(f"{base}/members/import")
    check_page(page)
    page.click("#import-runs a")  # the newest run
    page.wait_for_url(f"{base}/imports/*")
    check_page(page)  # the run's page: accessible, and no wider than a phone
    assert page.inner_text("#import-created") == "2"
    audit.close()
