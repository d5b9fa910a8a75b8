"""Real browser: the task page's process viewer (vendored bpmn-js) under the app's own CSP."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine.models import HumanTask

from ..conftest import new_member
from ..helpers import file_enrolment
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]


def test_the_task_page_shows_both_diagrams_with_the_current_position(live_server, chromium, tmp_path):
    app, base = live_server
    with Session(app.extensions["mamis_db"].engine, expire_on_commit=False) as s:
        member = new_member(s, prefix="viewer")
        application = file_enrolment(s, member)
        s.commit()
        task_id = s.scalar(sa.select(HumanTask.id).where(HumanTask.application_id == application.id))

    # No bypass_csp here: the viewer must work under the Content-Security-Policy the app sends.
    context = chromium.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP")
    page = login(context, base, "staff@chuoeast", axe=False)
    page.wait_for_url(f"{base}/inbox")
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base}/tasks/{task_id}")
    page.wait_for_selector("figure.process-diagram[data-ready=true] >> nth=1")
    keys = page.eval_on_selector_all("figure.process-diagram", "els => els.map(e => e.dataset.key)")
    assert keys == ["enrolment", "layer_review"]
    top = page.locator("figure[data-key=enrolment]")
    assert top.locator("[data-element-id=review_layer].is-active").count() == 1
    assert top.locator("[data-element-id=set_deadline].is-done").count() == 1
    assert top.locator("[data-element-id=finish_application].is-done").count() == 0
    sub = page.locator("figure[data-key=layer_review]")
    assert sub.locator("[data-element-id=review].is-active").count() == 1
    assert "現在の位置: 事務局の審査" in sub.inner_text()
    assert "待機中のタイマー・イベント: 期限超過" in top.inner_text()
    assert top.locator("[data-element-id=review_overdue].is-waiting").count() == 1
    # the shapes were drawn (not an empty SVG), and the bpmn.io logo stays as its licence asks
    assert sub.locator(".djs-shape").count() >= 8 and page.locator(".bjs-powered-by").count() == 2
    # the library's link (kept, as its licence asks) has a name for a screen reader
    assert page.locator(".bjs-powered-by").first.get_attribute("aria-label").startswith("bpmn.io（")
    if os.environ.get("MAMIS_SCREENSHOTS"):
        page.screenshot(path=os.environ["MAMIS_SCREENSHOTS"] + "/process-viewer.png", full_page=True)
    assert problems == []

    # A colleague of another office does not get the diagram of this task.
    other = login(chromium.new_context(bypass_csp=True), base, "staff@kitaku")
    other.wait_for_url(f"{base}/inbox")
    assert other.request.get(f"{base}/tasks/{task_id}/diagram").status == 404
    context.close()


def test_the_api_reference_renders_every_operation_under_the_csp(live_server, chromium):
    """/api/v1/docs: the vendored Swagger UI reads the OpenAPI document, under the app's CSP."""
    app, base = live_server
    context = chromium.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP")
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = set(page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path)"))
    spec = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    assert paths == set(spec) and len(paths) >= 30
    assert page.locator("button.authorize").count() == 1  # bearer tokens can be tried from here
    assert problems == []
    context.close()
    # accessible like every other page (Swagger UI's colours and landmarks adjusted), an operation open
    context = chromium.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/api/v1/docs")
    page.locator(".opblock-summary-control").first.click()
    page.wait_for_selector(".opblock-body")
    assert page.locator("main").count() == 2 and page.locator("main[role=region]").get_attribute("aria-label")
    check_page(page)
    context.close()
