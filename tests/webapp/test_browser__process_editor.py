"""Real browser: a designer edits a process in the bpmn-js editor, sees the validation, deploys,
and the next application runs on the new version."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from engine import deploy, designs, tasks
from engine.models import HumanTask

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment, open_task_for
from .browser import check_page, login

pytestmark = [pytest.mark.browser, pytest.mark.commits]

NEW_NAME = "一次審査（書類確認）"


def _shot(page, name):
    if os.environ.get("MAMIS_SCREENSHOTS"):
        page.screenshot(path=os.environ["MAMIS_SCREENSHOTS"] + f"/{name}.png", full_page=True)


def _save(page):
    page.click("#modeler-save")
    page.wait_for_selector(", ".join(f"#modeler-status[data-kind={k}]" for k in ("ok", "warning", "error")))
    return page.locator("#modeler-status").get_attribute("data-kind")


def _open_group(page, group):
    header = page.locator(f"[data-group-id=group-{group}] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def test_edit_validate_deploy_and_the_inbox_shows_the_new_task_name(live_server, chromium):
    app, base = live_server
    with Session(app.extensions["mamis_db"].engine, expire_on_commit=False) as s:  # one past application
        done = file_enrolment(s, new_member(s, prefix="past"), chain=[("otaru", "A-1")])
        staff_otaru = actor_for(s, "staff@otaru")
        tasks.complete_task(s, staff_otaru, open_task_for(s, staff_otaru, done.id).id, "approve")
        s.commit()
    # No bypass_csp: the editor must work under the policy the app sends (axe runs in another context)
    page = login(chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP"), base, "designer01",
                 axe=False)
    page.wait_for_url(f"{base}/designer/processes")
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.click("a[href$='/designer/processes/layer_review/edit']")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.locator(".bjs-powered-by").count() == 1  # the bpmn.io watermark stays (its licence)
    # a screen reader meets the drawing as a named application; the palette's tools are in the Tab order
    canvas = page.locator("#modeler-canvas svg").first
    assert canvas.get_attribute("role") == "application" and canvas.get_attribute("aria-label") == "BPMN図の編集領域"
    hand = page.locator(".djs-palette .entry[data-action='hand-tool']")
    assert hand.get_attribute("tabindex") == "0" and hand.get_attribute("aria-label")

    # rename the review task in the properties panel
    page.click(".djs-element[data-element-id=review]")
    _open_group(page, "general")
    name = page.locator("#bio-properties-panel-name")
    name.fill(NEW_NAME)
    name.press("Tab")
    # this project's own properties are in the panel too
    _open_group(page, "mamis")
    assert page.locator("#bio-properties-panel-mamis-form-key").input_value() == "review_decision"
    kind = page.locator("#bio-properties-panel-mamis-kind")  # the kinds in the designer's words, the code beside
    assert kind.input_value() == "review"
    assert kind.locator("option:checked").inner_text() == "審査（事務局が承認・却下・差戻し） (review)"

    # add a timer boundary event on the task: palette, drop on the task's edge, replace with a timer
    page.click(".djs-palette .entry[data-action='create.intermediate-event']")
    box = page.locator(".djs-element[data-element-id=review]").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2, steps=5)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"], steps=5)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"])
    # (the pad's wrench is under the hover outline of the new event, so the click is sent to it)
    page.locator(".djs-context-pad .entry[data-action=replace]").dispatch_event("click")
    page.click(".djs-popup [data-id=replace-with-non-interrupting-timer-boundary]")
    boundary_id = page.evaluate("""() => window.mamisModeler.get('elementRegistry')
        .filter(e => e.type === 'bpmn:BoundaryEvent')[0].id""")
    _open_group(page, "timer")
    page.select_option("#bio-properties-panel-timerEventDefinitionType", "timeDuration")
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    value.fill('open("/etc/passwd")')  # not the safe language: the server must say so
    value.press("Tab")

    assert _save(page) == "warning"
    listed = page.locator("#modeler-problems li")
    assert listed.count() == 1 and "タイマー" in listed.first.inner_text()
    assert listed.first.locator("button").inner_text() == boundary_id
    assert page.locator(f".djs-element[data-element-id={boundary_id}].has-problem").count() == 1
    assert page.locator("#modeler-next").is_hidden()  # a draft with problems cannot go on to deploy
    _shot(page, "process-editor-problem")

    listed.first.locator("button").click()  # selects the element the problem is about
    _open_group(page, "timer")
    value = page.locator("#bio-properties-panel-timerEventDefinitionValue")
    value.fill('"P5D"')
    value.press("Tab")
    assert _save(page) == "ok"
    assert page.locator("#modeler-problems li").count() == 0
    # the editor's own texts in the page's language: palette, panel, and the replace menu used above
    assert page.locator(".djs-palette .entry[data-action='create.task']").get_attribute("aria-label") == "タスクを作成"
    assert page.locator(".bio-properties-panel-group-header-title").first.inner_text() == "全般"
    assert page.locator(".bio-properties-panel-header-type").inner_text() == "タイマー境界イベント（非中断）"
    assert page.evaluate("() => [...window.mamisUntranslated]") == []
    _shot(page, "process-editor")
    checker = login(chromium.new_context(bypass_csp=True, viewport={"width": 1400, "height": 1000}), base,
                    "designer01")
    for path in ("/designer/processes", "/designer/processes/layer_review/edit",
                 "/designer/processes/layer_review/review"):
        checker.goto(base + path)
        if path.endswith("/edit"):
            checker.wait_for_selector("#modeler[data-ready=true]")
            assert checker.locator(".djs-palette .entry[data-action='create.task']").get_attribute(
                "aria-label") == "Create task"  # an English page keeps the library's own English
        check_page(checker)

    page.click("#modeler-next")
    page.wait_for_selector("#dry-run-summary")
    row = page.locator(f"#dry-run-table tr:has-text('#{done.id}')")
    assert "同じ" in row.inner_text()  # the renamed task and the extra timer do not change its path
    _shot(page, "process-dry-run")
    page.click("#deploy-button")
    page.wait_for_url(f"{base}/designer/processes#process-layer_review")
    assert "公開しました" in page.inner_text("body")
    assert problems == []

    with Session(app.extensions["mamis_db"].engine, expire_on_commit=False) as s:
        application = file_enrolment(s, new_member(s, prefix="editor"))
        s.commit()
        task = s.scalar(sa.select(HumanTask).where(HumanTask.application_id == application.id))
        assert task.name == NEW_NAME
    staff = login(chromium.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900}, locale="ja-JP"), base,
                  "staff@chuoeast")
    staff.wait_for_url(f"{base}/inbox")
    assert NEW_NAME in staff.inner_text("main")


def test_a_decision_table_is_edited_in_the_browser(live_server, chromium):
    app, base = live_server
    here = ROOT / "tests" / "engine" / "dmn"
    with Session(app.extensions["mamis_db"].engine, expire_on_commit=False) as s:
        if deploy.latest(s, "age_band") is None:
            deploy.deploy(s, None, (here / "age_band.dmn").read_text(encoding="utf-8"), "age_band.dmn")
            deploy.deploy(s, None, (here / "route_by_age.bpmn").read_text(encoding="utf-8"), "route_by_age.bpmn")
            s.commit()
    page = login(chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP"), base, "designer01",
                 axe=False)
    errors, logged = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: logged.append(f"{m.type}: {m.text}"))
    page.wait_for_url(f"{base}/designer/processes")
    page.goto(f"{base}/designer/processes/age_band/edit")
    page.wait_for_selector("#modeler[data-ready=true]")
    assert page.inner_text("h1").startswith("決定表の編集")  # a decision table, called so
    cell = page.locator("td[data-element-id=rule_senior_age]")
    assert cell.inner_text().strip() == ">= 65"
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("__import__('os')")
    page.locator("td[data-element-id=rule_young_band]").click()  # leave the cell
    assert _save(page) == "warning"
    problem = page.locator("#modeler-problems li")
    assert problem.count() == 1 and problem.first.locator("button").inner_text() == "rule_senior_age"
    assert page.locator("td[data-element-id=rule_senior_age].has-problem").count() == 1  # the cell is marked
    assert page.locator("th.index-column").first.get_attribute("aria-label") == "規則の番号"  # no empty header
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(">= 70")
    page.locator("td[data-element-id=rule_young_band]").click()
    assert _save(page) == "ok"
    # reading a file in after these saves builds on the last one, not on the revision opened
    assert page.locator("#import-file input[name=revision]").input_value() == "2"
    assert page.locator("#modeler-canvas .hit-policy label").inner_text().strip() == "ヒットポリシー："
    assert page.evaluate("() => [...window.mamisUntranslated]") == []
    _shot(page, "decision-table-editor")
    assert errors == [] and logged == []  # no library's development build talking on the console
    # a colleague saves the same draft meanwhile: this save is refused, and the designer's own
    # table can be kept as a file (to read in again after reloading)
    with Session(app.extensions["mamis_db"].engine) as s:
        colleague = actor_for(s, "designer01")
        designs.save_draft(s, colleague, "age_band", designs.draft_of(s, "age_band").xml, 2)
        s.commit()
    assert _save(page) == "error"
    mine = page.locator("#modeler-download-mine")
    assert mine.get_attribute("download") == "age_band-mine.dmn" and mine.get_attribute("href").startswith("blob:")
    with Session(app.extensions["mamis_db"].engine) as s:
        assert ">= 70" in designs.draft_of(s, "age_band").xml.replace("&gt;", ">")
    # the draft's dry run: the ages on both sides of the moved boundary decide differently
    checker = login(chromium.new_context(bypass_csp=True, viewport={"width": 1400, "height": 1000}, locale="ja-JP"),
                    base, "designer01")
    checker.goto(f"{base}/designer/processes/age_band/review")
    assert "結果が変わる組合せ: 0 /" not in checker.inner_text("#decision-summary")
    changed = checker.inner_text("#decision-table")
    assert "65" in changed  # an age the deployed table put in the senior band, the draft no longer
    check_page(checker)  # accessible, and no wider than the window


def test_a_business_rule_task_names_its_decision_table_in_the_panel_and_keeps_it(live_server, chromium):
    """The documented way to call a decision table (spiffworkflow:calledDecisionId) is edited in the
    panel, saved in the XML and read back when the draft is opened again."""
    app, base = live_server
    page = login(chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP"), base, "designer01",
                 axe=False)
    page.goto(f"{base}/designer/processes/layer_review/edit")
    page.wait_for_selector("#modeler[data-ready=true]")
    page.click(".djs-element[data-element-id=review]")
    page.locator(".djs-context-pad .entry[data-action=replace]").dispatch_event("click")
    page.click(".djs-popup [data-id=replace-with-rule-task]")
    _open_group(page, "mamis")
    decision = page.locator("#bio-properties-panel-mamis-decision")
    assert "certification_requirements" in decision.inner_text()
    assert "layer_review" not in decision.inner_text()  # processes are for call activities
    decision.select_option("certification_requirements")
    _save(page)
    with Session(app.extensions["mamis_db"].engine) as s:
        xml = designs.draft_of(s, "layer_review").xml
    assert "<spiffworkflow:calledDecisionId>certification_requirements</spiffworkflow:calledDecisionId>" in xml
    page.goto(f"{base}/designer/processes/layer_review/edit")  # the draft, opened again
    page.wait_for_selector("#modeler[data-ready=true]")
    page.click(".djs-element[data-element-id=review]")
    _open_group(page, "mamis")
    assert page.locator("#bio-properties-panel-mamis-decision").input_value() == "certification_requirements"
    with Session(app.extensions["mamis_db"].engine) as s:  # leave the shared editor as the next test expects
        revision = designs.draft_of(s, "layer_review").revision
        designs.discard_draft(s, actor_for(s, "designer01"), "layer_review", revision)
        s.commit()


def test_a_problem_about_an_element_the_editor_cannot_draw_says_how_to_reach_it(live_server, chromium, tmp_path):
    """A file from another tool with a flow to nowhere: the editor cannot draw the flow, so its
    problem's link cannot select it — the status says to correct the file, instead of nothing."""
    app, base = live_server
    broken = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8").replace(
        'sourceRef="reject_part" targetRef="end_rejected"', 'sourceRef="reject_part" targetRef="end_nowhere"')
    upload = tmp_path / "layer_review.bpmn"
    upload.write_text(broken, encoding="utf-8")
    page = login(chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP"), base, "designer01",
                 axe=False)
    try:
        page.goto(f"{base}/designer/processes/layer_review/edit")
        page.wait_for_selector("#modeler[data-ready=true]")
        page.click("#import-file summary")
        page.set_input_files("#import-file-input", str(upload))
        page.click("#import-file button[type=submit]")
        page.wait_for_selector("#modeler[data-ready=true]")
        problem = page.locator("#modeler-problems button", has_text="flow_rejected_end")
        problem.first.click()
        expect(page.locator("#modeler-status")).to_contain_text("図に描けない要素のため選べません")
    finally:
        with Session(app.extensions["mamis_db"].engine) as s:  # leave the shared editor as the next test expects
            draft = designs.draft_of(s, "layer_review")
            if draft is not None:
                designs.discard_draft(s, actor_for(s, "designer01"), "layer_review", draft.revision)
                s.commit()
