"""The editor's screens: the editor page under its own CSP, drafts saved with the CSRF token and
the revision, the review page (problems or dry run) and deploy, and the admins' migration."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa

from engine import deploy
from engine.models import ProcessInstance

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment, open_task_for
from ..helpers import login_client as login

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")


def _config(r) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="modeler-config">(.*?)</script>',
                                r.get_data(as_text=True), re.S).group(1))


def _csrf(client, path="/designer/processes/layer_review/edit") -> str:
    return _config(client.get(path))["csrf"]


def _save(client, xml, revision, csrf, key="layer_review"):
    return client.put(f"/designer/processes/{key}/draft", data=xml, content_type="application/xml",
                      headers={"X-CSRFToken": csrf, "X-Draft-Revision": str(revision)})


def test_the_editor_opens_the_latest_version_with_the_vocabulary(app, session):
    client = login(app, "designer01")
    r = client.get("/designer/processes/layer_review/edit")
    assert r.status_code == 200
    assert "style-src 'self' 'unsafe-inline'" in r.headers["Content-Security-Policy"]  # this page only
    assert "unsafe-inline" not in client.get("/designer/processes").headers["Content-Security-Policy"]
    config = _config(r)
    assert config["xml"] == deploy.latest(session, "layer_review").xml and config["revision"] == 0
    assert config["operations"]["application.approve_part"] == ["part_id", "comment"]
    assert "review_decision" in config["formKeys"] and "layer_review" in config["processKeys"]
    assert "</script>" not in json.dumps(config).replace("<\\/", "")
    assert login(app, "staff@otaru").get("/designer/processes/layer_review/edit").status_code == 403


def test_save_needs_a_current_revision(app, session):
    client = login(app, "designer01")
    csrf = _csrf(client)
    assert client.put("/designer/processes/layer_review/draft", data=REVIEW).status_code == 400  # no revision
    first = _save(client, REVIEW.replace('name="事務局の審査"', 'name="画面の審査"'), 0, csrf)
    assert first.status_code == 200 and first.get_json() == {"revision": 1, "problems": [], "deployable": True}
    other = login(app, "admin001")
    assert _save(other, REVIEW, 0, _csrf(other)).status_code == 409  # made on the deployed version: stale
    conflict = _save(client, REVIEW, 0, csrf)
    assert conflict.status_code == 409 and "他の人" in conflict.get_json()["message"]
    # the library shows the draft; the editor reopens it
    assert "下書きあり" in client.get("/designer/processes").get_data(as_text=True)
    assert _config(client.get("/designer/processes/layer_review/edit"))["revision"] == 1


def _one_application_reviewed(session) -> None:
    """A completed review on layer_review: the dry run has something to replay."""
    from engine import tasks

    staff = actor_for(session, "staff@otaru")
    done = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    tasks.complete_task(session, staff, open_task_for(session, staff, done.id).id, "approve")
    session.commit()


def test_review_shows_problems_and_deploy_is_refused_until_fixed(app, session):
    _one_application_reviewed(session)
    client = login(app, "designer01")
    csrf = _csrf(client)
    saved = _save(client, REVIEW.replace('value="review_decision"', 'value="no_such_form"'), 0, csrf).get_json()
    assert [(p["element"], p["name"]) for p in saved["problems"]] == [("review", "事務局の審査")]
    page = client.get("/designer/processes/layer_review/review").get_data(as_text=True)
    assert 'data-code="unknown_form_key"' in page and "deploy-button" not in page
    assert "<strong>事務局の審査 （<code>review</code>）</strong>" in page  # by name, the id beside it
    before = deploy.latest(session, "layer_review").version
    r = client.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "1"})
    assert r.status_code == 302 and deploy.latest(session, "layer_review").version == before

    _save(client, REVIEW.replace('name="事務局の審査"', 'name="直した審査"'), 1, csrf)
    page = client.get("/designer/processes/layer_review/review").get_data(as_text=True)
    assert 'id="dry-run-summary"' in page and "deploy-button" in page
    # what the draft changes against the deployed version: the renamed task, nothing else
    table = re.search(r'id="changes-table".*?</table>', page, re.S).group(0)
    assert table.count("<tr class=\"change-") == 1 and "直した審査" in table and "変更" in table
    assert 'name="note"' in page
    r = client.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "2",
                                                                       "note": "あ" * 501})
    assert r.status_code == 302 and deploy.latest(session, "layer_review").version == before  # note too long
    assert "版のメモは500文字以内" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = client.post("/designer/processes/layer_review/deploy", data={
        "csrf_token": csrf, "revision": "2", "note": "  審査タスクの名前を「直した審査」に  "}, follow_redirects=True)
    assert "公開しました" in r.get_data(as_text=True)
    deployed = deploy.latest(session, "layer_review")
    assert deployed.version == before + 1 and deployed.note == "審査タスクの名前を「直した審査」に"
    # the library lists each version with its note
    library = client.get("/designer/processes").get_data(as_text=True)
    assert '<td class="version-note">審査タスクの名前を「直した審査」に</td>' in library


def test_admins_migrate_from_the_instance_viewer_and_in_bulk(app, session):
    staff = actor_for(session, "staff@otaru")
    apps = [file_enrolment(session, new_member(session), chain=[("otaru", "A-1")]) for _ in range(2)]
    instance_id = session.scalar(sa.select(ProcessInstance.id).where(ProcessInstance.application_id == apps[0].id))
    v1 = deploy.latest(session, "layer_review").version
    deploy.deploy(session, None, REVIEW.replace('name="事務局の審査"', 'name="新しい審査"'), "layer_review.bpmn")
    admin = login(app, "admin001")
    csrf = _csrf(admin)
    viewer = admin.get(f"/designer/instances/{instance_id}").get_data(as_text=True)
    assert "最新版へ移行" in viewer
    as_designer = login(app, "designer01").get(f"/designer/instances/{instance_id}")
    assert "最新版へ移行" not in as_designer.get_data(as_text=True)
    r = admin.post(f"/designer/instances/{instance_id}/migrate", data={"csrf_token": csrf}, follow_redirects=True)
    assert "移行しました" in r.get_data(as_text=True)
    assert open_task_for(session, staff, apps[0].id).name == "新しい審査"
    r = admin.post(f"/designer/processes/layer_review/versions/{v1}/migrate", data={"csrf_token": csrf})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "移行した: " in page  # (data of other tests may run on v1 too)
    assert f"/designer/instances/{instance_id}" not in page  # already moved from the viewer
    assert open_task_for(session, staff, apps[1].id).name == "新しい審査"
    assert login(app, "designer01").post(f"/designer/processes/layer_review/versions/{v1}/migrate",
                                         data={"csrf_token": csrf}).status_code in (400, 403)


def test_a_process_file_is_read_in_as_the_draft_with_the_same_checks(app, session):
    """Import (a desktop modeler's file, or keyboard-only editing): validated like a save, stale
    revisions refused, a file that is not XML told so; nothing deployed."""
    import io

    client = login(app, "designer01")
    csrf = _csrf(client)

    def send(body: bytes, revision: int):
        return client.post("/designer/processes/layer_review/draft/import", content_type="multipart/form-data",
                           data={"csrf_token": csrf, "revision": str(revision), "file": (io.BytesIO(body), "r.bpmn")},
                           follow_redirects=True)

    page = client.get("/designer/processes/layer_review/edit").get_data(as_text=True)
    assert 'id="import-file"' in page and "/designer/processes/layer_review/draft/import" in page
    r = send(REVIEW.replace('name="事務局の審査"', 'name="読込の審査"').encode(), 0)
    assert "ファイルを下書きとして読み込みました" in r.get_data(as_text=True)
    assert _config(client.get("/designer/processes/layer_review/edit"))["revision"] == 1
    assert "読込の審査" in _config(client.get("/designer/processes/layer_review/edit"))["xml"]
    r = send(REVIEW.encode(), 0)  # made on the deployed version while a draft exists: stale
    assert "他の人" in r.get_data(as_text=True)
    r = send(b"\xff\xfe not xml", 1)
    assert r.status_code == 200 and "ファイル" in r.get_data(as_text=True)
    r = send(b"<definitions>nope", 1)  # not even XML: refused, the draft kept
    assert "このファイルは読み込めません" in r.get_data(as_text=True)
    enrolment = deploy.latest(session, "enrolment").xml.encode()
    r = send(enrolment, 1)  # another process's file
    assert "このファイルは読み込めません" in r.get_data(as_text=True) and "enrolment" in r.get_data(as_text=True)
    assert "読込の審査" in _config(client.get("/designer/processes/layer_review/edit"))["xml"]  # kept
    r = send(REVIEW.replace('name="事務局の審査"', 'name="読込の審査"').encode("cp932"), 1)  # UTF-8 bytes expected
    assert "文字コードを読めません" in r.get_data(as_text=True)
    sjis = REVIEW.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').replace('name="事務局の審査"', 'name="①の審査"')
    r = send(sjis.encode("cp932"), 1)  # a desktop tool's Shift_JIS file: read in, kept as UTF-8
    assert "ファイルを下書きとして読み込みました" in r.get_data(as_text=True)
    assert '"①の審査"' in _config(client.get("/designer/processes/layer_review/edit"))["xml"]
    r = send(REVIEW.replace('value="review_decision"', 'value="no_such_form"').encode(), 2)  # saved, problems and all
    assert "問題があります" in r.get_data(as_text=True)
    assert deploy.latest(session, "layer_review").xml == REVIEW  # nothing deployed


def test_a_draft_the_dry_run_cannot_finish_is_deployed_only_when_confirmed_and_then_fails_clearly(app, session):
    """A gateway whose conditions no longer hold (a typo in a value) passes the checks, but the dry
    run cannot finish past applications with it: the review says so and deploying needs a tick.
    Deployed anyway, the step that reaches the gateway rolls back with a message that the process is
    at fault, and the instance's page lists the incident for the designers."""
    from engine import tasks
    from membership.models import AuditEvent

    staff = actor_for(session, "staff@otaru")
    done = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    tasks.complete_task(session, staff, open_task_for(session, staff, done.id).id, "approve")
    session.commit()
    designer = login(app, "designer01")
    csrf = _csrf(designer)
    broken = REVIEW.replace('decision == "approve"', 'decision == "approved"')
    assert _save(designer, broken, 0, csrf).get_json()["problems"] == []  # nothing the checks can see
    page = designer.get("/designer/processes/layer_review/review").get_data(as_text=True)
    assert 'id="risk-failing"' in page and 'name="confirm"' in page and 'id="risk-overtaken"' not in page
    before = deploy.latest(session, "layer_review").version
    r = designer.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "1"},
                      follow_redirects=True)
    assert "チェックを入れてください" in r.get_data(as_text=True)
    assert deploy.latest(session, "layer_review").version == before
    r = designer.post("/designer/processes/layer_review/deploy",
                      data={"csrf_token": csrf, "revision": "1", "confirm": "y"})
    assert r.status_code == 302 and deploy.latest(session, "layer_review").version == before + 1

    app_on_broken = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    task = open_task_for(session, staff, app_on_broken.id)
    session.commit()
    office = login(app, "staff@otaru")
    r = office.post(f"/tasks/{task.id}", data={"csrf_token": _csrf(designer), "decision": "approve"})
    assert r.status_code == 500 and "プロセス）に誤りがある" in r.get_data(as_text=True)
    assert open_task_for(session, staff, app_on_broken.id).id == task.id  # nothing changed
    [incident] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "instance.incident",
                                                             AuditEvent.object_id == task.instance_id)).all()
    assert "No conditions satisfied" in incident.detail["detail"]
    assert incident.detail["element"]  # the gateway that failed, by its id
    viewer = designer.get(f"/designer/instances/{task.instance_id}").get_data(as_text=True)
    assert 'id="incidents-title"' in viewer and "No conditions satisfied" in viewer and "未解決" in viewer
    assert "分岐の条件がどれも成り立ちませんでした" in viewer
    listed = designer.get("/designer/incidents").get_data(as_text=True)
    assert f"#{task.instance_id}" in listed and incident.detail["element"] in listed
    diagrams = designer.get(f"/designer/instances/{task.instance_id}/diagram").get_json()
    review_diagram = next(d for d in diagrams if d["key"] == "layer_review")
    assert review_diagram["failed"] == [incident.detail["element"]]  # marked where it failed
    assert 'id="incidents-layer_review"' in designer.get("/designer/processes").get_data(as_text=True)


def test_a_draft_started_before_a_later_deployment_says_what_it_would_undo(app, session):
    designer = login(app, "designer01")
    csrf = _csrf(designer)
    assert _save(designer, REVIEW.replace('name="事務局の審査"', 'name="下書きの審査"'), 0, csrf).status_code == 200
    deploy.deploy(session, actor_for(session, "designer01"), REVIEW.replace('name="事務局の審査"', 'name="別の審査"'),
                  "layer_review.bpmn", note="期限を短く")
    session.commit()
    page = designer.get("/designer/processes/layer_review/review").get_data(as_text=True)
    latest = deploy.latest(session, "layer_review").version
    assert 'id="risk-overtaken"' in page and f"v{latest}（期限を短く）" in page
    r = designer.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "1"})
    assert r.status_code == 302 and deploy.latest(session, "layer_review").version == latest


def test_a_draft_equal_to_the_latest_version_is_not_deployed_as_if_it_were_new(app, session):
    designer = login(app, "designer01")
    csrf = _csrf(designer)
    assert _save(designer, REVIEW, 0, csrf).status_code == 200  # saved unchanged
    before = deploy.latest(session, "layer_review").version
    r = designer.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "1"},
                      follow_redirects=True)
    page = r.get_data(as_text=True)
    assert f"最新版 v{before} と同じです" in page and "公開しました" not in page
    assert deploy.latest(session, "layer_review").version == before


def test_a_diagram_cannot_break_out_of_the_editors_config_block(app, session):
    """A documentation text "<!--<script>" (or "</script>") in a saved draft stays inert data: the
    page's JSON block is the whole config, and the editor's own script still follows it."""
    client = login(app, "designer01")
    tricky = REVIEW.replace('<bpmn:userTask id="review" name="事務局の審査">', '<bpmn:userTask id="review" '
                            'name="事務局の審査"><bpmn:documentation><![CDATA[<!--<script> </script> & \']]>'
                            '</bpmn:documentation>', 1)
    assert tricky != REVIEW
    assert _save(client, tricky, 0, _csrf(client)).status_code == 200
    page = client.get("/designer/processes/layer_review/edit").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="modeler-config">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and "&" not in block  # every markup character escaped inside the block
    assert "<!--<script>" in json.loads(block)["xml"]  # and the diagram itself intact
    assert page.index('id="modeler-config"') < page.index("bpmn-editor.js")  # the bundle is still loaded after it


def _a_start_that_fails(app, session, broken):
    """File an enrolment through the API on the broken version just deployed: 500 process_failed,
    and the one incident recorded against `broken`."""
    from membership.models import AuditEvent

    from ..helpers import enrolment_body
    from .conftest import ApiClient

    session.commit()
    member = new_member(session)
    r = ApiClient(app.test_client(), member.login_id).post("/api/v1/applications", json=enrolment_body())
    assert r.status_code == 500 and r.get_json()["error"]["code"] == "process_failed"
    [failed] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "process.start_failed",
                                                           AuditEvent.object_id == broken.id)).all()
    return failed


def test_a_start_the_process_makes_fail_is_an_incident_of_its_version_until_a_fix_is_deployed(app, session):
    """No instance is kept when the first step fails (a timer's expression naming a misspelt name):
    the failure is recorded against the version, with the element, and listed for the designers;
    a newer version resolves it."""


    enrolment = (ROOT / "processes/enrolment/enrolment.bpmn").read_text(encoding="utf-8")
    misspelt = enrolment.replace('"R30/" + escalate_at + "/P1D"', '"R30/" + escalate_att + "/P1D"')
    broken, created = deploy.deploy(session, actor_for(session, "designer01"), misspelt, "enrolment.bpmn")
    assert created
    failed = _a_start_that_fails(app, session, broken)
    assert failed.detail["version"] == broken.version and "escalate_att" in failed.detail["detail"]
    assert failed.detail["element"] and failed.detail["process"] == "enrolment"
    designer = login(app, "designer01")
    listed = designer.get("/designer/incidents?key=enrolment").get_data(as_text=True)
    assert "（開始時）" in listed and "escalate_att" in listed and "未解決" in listed
    deploy.deploy(session, actor_for(session, "designer01"), enrolment, "enrolment.bpmn")  # the fix
    session.commit()
    assert "（開始時）" not in designer.get("/designer/incidents?key=enrolment").get_data(as_text=True)
    shown = designer.get("/designer/incidents?key=enrolment&all=1").get_data(as_text=True)
    assert "（開始時）" in shown and "解決済み" in shown


def test_expressions_reading_names_nothing_sets_and_untried_processes_need_a_tick(app, session, api):
    """A misspelt variable passes the syntax check and fails at run
    time: the review names each such name and its element, and deploying needs a tick (the API's
    confirm=true, its draft listing them as warnings). A process no application has finished yet
    cannot be tried: that needs the tick too."""
    _one_application_reviewed(session)
    designer = login(app, "designer01")
    csrf = _csrf(designer)
    typo = REVIEW.replace('decision == "reject"', 'desicion == "reject"')
    assert _save(designer, typo, 0, csrf).get_json()["problems"] == []
    page = designer.get("/designer/processes/layer_review/review").get_data(as_text=True)
    risk = re.search(r'id="risk-unknown-names".*?</ul>', page, re.S).group(0)
    assert "desicion" in risk and "flow_reject" in risk and 'id="risk-untried"' not in page
    before = deploy.latest(session, "layer_review").version
    designer.post("/designer/processes/layer_review/deploy", data={"csrf_token": csrf, "revision": "1"})
    assert deploy.latest(session, "layer_review").version == before
    body = api("designer01").get("/api/v1/process-definitions/layer_review/draft").get_json()
    assert body["deployable"] and [w["code"] for w in body["warnings"]] == ["unknown_name"]
    r = api("designer01").post("/api/v1/process-definitions/layer_review/draft/deploy", headers={"If-Match": "1"})
    assert r.status_code == 409 and "unknown_names" in r.get_json()["error"]["message"]
    # the shipped processes read nothing unknown
    from engine import designs, validation

    for path in (ROOT / "processes").rglob("*.bpmn"):
        if "tests" not in path.parts:
            key = path.stem
            assert designs.unknown_names(session, key, path.read_text(encoding="utf-8")) == [], path
    # a process that has never finished an application: nothing to try it on
    fresh = REVIEW.replace('id="layer_review"', 'id="trial_review"')
    deploy.deploy(session, actor_for(session, "designer01"), fresh, "trial_review.bpmn")
    session.commit()
    assert _save(designer, fresh.replace('name="事務局の審査"', 'name="試しの審査"'), 0,
                 _csrf(designer, "/designer/processes/trial_review/edit"), key="trial_review").status_code == 200
    page = designer.get("/designer/processes/trial_review/review").get_data(as_text=True)
    assert 'id="risk-untried"' in page and 'name="confirm"' in page
    assert validation.unknown_names(fresh, set()) != []  # `part` comes from its caller's processes


def test_the_review_says_where_running_applications_wait_and_which_could_not_move_to_the_draft(app, session):
    """Running applications stay on their version; a draft that drops the task they wait at would
    leave them unable to migrate: the review lists where they wait, and that needs the tick."""
    _one_application_reviewed(session)
    waiting = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    session.commit()
    designer = login(app, "designer01")
    csrf = _csrf(designer)
    renamed = re.sub(r'(id|sourceRef|targetRef|bpmnElement)="review"', r'\1="review_v2"', REVIEW)
    assert _save(designer, renamed, 0, csrf).get_json()["problems"] == []
    page = designer.get("/designer/processes/layer_review/review").get_data(as_text=True)
    row = re.search(r'<tr class="stranded"><td>事務局の審査 <code>review</code></td><td>(\d+)</td>', page)
    assert row and int(row.group(1)) >= 1 and 'id="risk-stranded"' in page
    assert open_task_for(session, actor_for(session, "staff@otaru"), waiting.id).bpmn_id == "review"
    # the same draft without the rename: every waiting application could move to it
    _save(designer, REVIEW.replace('name="事務局の審査"', 'name="審査（改）"'), 1, csrf)
    page = designer.get("/designer/processes/layer_review/review").get_data(as_text=True)
    assert '<tr class="kept">' in page and 'id="risk-stranded"' not in page


def test_applications_waiting_in_a_called_review_count_at_the_call_activity_of_the_process_that_called_it(
        app, session):
    """An enrolment waiting at a layer's review waits inside enrolment's call activity: a draft of
    the enrolment without that call activity strands it just the same."""
    waiting = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    session.commit()
    assert open_task_for(session, actor_for(session, "staff@otaru"), waiting.id).process_key == "layer_review"
    enrolment = deploy.latest(session, "enrolment").xml
    designer = login(app, "designer01")
    csrf = _csrf(designer, "/designer/processes/enrolment/edit")
    renamed = re.sub(r'(id|sourceRef|targetRef|bpmnElement|attachedToRef)="review_layer"', r'\1="layer_step"',
                     enrolment)
    assert _save(designer, renamed, 0, csrf, key="enrolment").get_json()["problems"] == []
    page = designer.get("/designer/processes/enrolment/review").get_data(as_text=True)
    row = re.search(r'<tr class="stranded"><td>医師会の審査 <code>review_layer</code></td><td>(\d+)</td>', page)
    assert row and int(row.group(1)) >= 1 and 'id="risk-stranded"' in page
    # renaming the call activity only: the applications could move to it
    _save(designer, enrolment.replace('name="医師会の審査"', 'name="各医師会の審査"'), 1, csrf, key="enrolment")
    page = designer.get("/designer/processes/enrolment/review").get_data(as_text=True)
    assert re.search(r'<tr class="kept"><td>医師会の審査 <code>review_layer</code>', page)
    assert 'id="risk-stranded"' not in page


def test_a_task_given_to_no_association_is_an_incident_of_the_called_version_that_names_it(app, session):
    """The likeliest slip of all — an association expression that names none (a typo) — fails as
    the task is made: the start is an incident of the called process's version, at that task."""


    broken, _ = deploy.deploy(session, actor_for(session, "designer01"), REVIEW.replace(
        'value="part[&quot;association&quot;]"', 'value="partt[&quot;association&quot;]"', 1), "layer_review.bpmn")
    failed = _a_start_that_fails(app, session, broken)
    assert (failed.detail["key"], failed.detail["element"], failed.detail["process"]) == (
        "layer_review", "review", "layer_review")
    listed = login(app, "designer01").get("/designer/incidents?key=layer_review").get_data(as_text=True)
    assert f"v{broken.version}" in listed and "事務局の審査" in listed and "未解決" in listed
