"""The process library for designers: versions, who deployed them, instances on each, downloads."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine import deploy
from membership.actors import Actor
from membership.models import UserAccount

from ..conftest import new_member
from ..helpers import file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_the_library_lists_versions_with_their_instances_and_downloads(app, session):
    designer = Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "designer01")))
    xml = deploy.latest(session, "enrolment").xml.replace('name="医師会の審査"', 'name="医師会の審査（新）"')
    v2, created = deploy.deploy(session, designer, xml, "enrolment.bpmn")
    assert created
    file_enrolment(session, new_member(session))
    session.flush()

    client = login(app, "designer01")
    r = client.get("/designer/processes")
    assert r.status_code == 200
    section = re.search(r'<section class="card process" id="process-enrolment".*?</section>', text(r), re.S).group(0)
    assert f"最新版 v{v2.version}" in section
    newest = re.search(rf"<tr><td>v{v2.version}</td>.*?</tr>", section, re.S).group(0)
    assert f"<td>{designer.name}</td>" in newest  # who deployed it
    assert re.search(r'<td class="running"><a href="[^"]+">1</a></td>', newest)  # runs on the new version
    assert "layer_review" in newest and "呼び出しプロセス" in text(r)  # layer_review is called by others
    got = client.get(f"/designer/processes/enrolment/versions/{v2.version}.bpmn")
    assert got.status_code == 200 and "医師会の審査（新）" in got.get_data(as_text=True)
    assert f'enrolment-v{v2.version}.bpmn' in got.headers["Content-Disposition"]
    assert client.get("/designer/processes/enrolment/versions/999.bpmn").status_code == 404
    table = client.get("/designer/processes/fee_reduction_candidates/versions/1.bpmn")  # a decision table
    assert 'filename="fee_reduction_candidates-v1.dmn"' in table.headers["Content-Disposition"]
    # members and secretariats do not see it
    assert login(app, "staff@chuoeast").get("/designer/processes").status_code == 403
    assert login(app, "admin001").get("/designer/processes").status_code == 200


def test_the_instance_viewer_shows_the_diagram_history_and_masks_personal_data_for_designers(app, session):
    from engine import tasks
    from engine.models import ProcessInstance

    from ..conftest import actor_for
    from ..helpers import open_task_for

    member = new_member(session)
    application = file_enrolment(session, member)
    staff = actor_for(session, "staff@chuoeast")
    task = open_task_for(session, staff, application.id)
    tasks.complete_task(session, staff, task.id, "approve", "書類確認済み 山田")
    session.flush()
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == application.id))
    definition_version = deploy.latest(session, "enrolment").version
    designer = login(app, "designer01")
    listing = text(designer.get(f"/designer/instances?key=enrolment&version={definition_version}"))
    assert f"/designer/instances/{instance.id}" in listing and "事務局の審査" in listing
    page = text(designer.get(f"/designer/instances/{instance.id}"))
    data = re.search(r'<dl class="summary" id="instance-data">(.*?)</dl>', page, re.S).group(1)
    assert "<dt>application_id</dt>" in data and f"<code>{application.id}</code>" in data
    assert "山田" not in page and "＊＊＊" in data  # the comment is masked for a designer
    assert "承認" in page and "process-diagrams" in page
    diagrams = designer.get(f"/designer/instances/{instance.id}/diagram").get_json()
    assert [d["key"] for d in diagrams] == ["enrolment", "layer_review"] and diagrams[1]["active"] == ["review"]
    assert diagrams[0]["name"] == "入会届" and diagrams[1]["active_names"] == ["事務局の審査"]
    english = designer.get(f"/designer/instances/{instance.id}/diagram?lang=en").get_json()
    assert english[0]["name"] == "Enrolment" and english[1]["active_names"] == ["Secretariat review"]
    # the drawing's own labels too (the viewer draws the XML's names)
    assert 'name="Choose the next reviewing association"' in english[0]["xml"]
    assert "次の審査医師会を選ぶ" not in english[0]["xml"] and "次の審査医師会を選ぶ" in diagrams[0]["xml"]
    assert "山田" in text(login(app, "admin001").get(f"/designer/instances/{instance.id}"))  # admins see all
    assert login(app, "staff@chuoeast").get(f"/designer/instances/{instance.id}").status_code == 403
    assert designer.get("/designer/instances/999999").status_code == 404


def test_the_library_and_the_instance_viewer_in_the_api(api, session):
    from engine.models import ProcessInstance

    application = file_enrolment(session, new_member(session))
    session.flush()
    instance = session.scalar(sa.select(ProcessInstance).where(ProcessInstance.application_id == application.id))
    designer = api("designer01")
    versions = designer.get("/api/v1/process-definitions/enrolment/versions").get_json()
    latest = versions[0]
    assert latest["version"] == deploy.latest(session, "enrolment").version and latest["running"] >= 1
    assert latest["calls"] == ["layer_review"] and latest["deployed_at"].endswith("Z")
    assert designer.get("/api/v1/process-definitions/nothing/versions").status_code == 404
    got = designer.get(f"/api/v1/process-instances/{instance.id}").get_json()
    assert got["status"] == "running" and got["diagrams"][1]["active"] == ["review"]
    assert got["tasks"][0]["bpmn_id"] == "review" and got["data"]["application_id"] == application.id
    assert got["data"]["applicant_user_id"] == "＊＊＊"  # masked for a designer
    assert api("admin001").get(f"/api/v1/process-instances/{instance.id}").get_json()["data"][
        "applicant_user_id"] == application.applicant_user_id
    assert api("staff@chuoeast").get(f"/api/v1/process-instances/{instance.id}").status_code == 403
    spec = api().get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/process-definitions/{key}/versions", "/api/v1/process-instances/{instance_id}"} <= set(
        spec["paths"])


def test_an_earlier_version_becomes_the_draft_to_roll_back(app, session):
    """この版を下書きにする: v1 replaces the draft (the revision the form carries), the review shows
    what it undoes, and deploying it makes a new version with v1's content."""
    from pathlib import Path

    from engine import designs

    key = "layer_review"
    original = (Path(__file__).resolve().parents[2] / "processes/layer_review/layer_review.bpmn").read_text("utf-8")
    first = deploy.latest(session, key).version
    deploy.deploy(session, None, original.replace('name="事務局の審査"', 'name="新しい審査"'), f"{key}.bpmn")
    session.flush()
    client = login(app, "designer01")
    library = client.get("/designer/processes").get_data(as_text=True)
    assert f'action="/designer/processes/{key}/versions/{first}/draft"' in library
    assert f'action="/designer/processes/{key}/versions/{first + 1}/draft"' not in library  # the latest: 編集
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', library).group(1)
    r = client.post(f"/designer/processes/{key}/versions/{first}/draft", data={"csrf_token": csrf, "revision": "0"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/designer/processes/{key}/edit")
    draft = designs.draft_of(session, key)
    assert draft.xml == deploy.get_version(session, key, first).xml and draft.revision == 1
    review = client.get(f"/designer/processes/{key}/review").get_data(as_text=True)
    assert "事務局の審査" in re.search(r'id="changes-table".*?</table>', review, re.S).group(0)
    # a form made before that save (revision 0 again) does not overwrite the draft silently
    r = client.post(f"/designer/processes/{key}/versions/{first}/draft", data={"csrf_token": csrf, "revision": "0"},
                    follow_redirects=True)
    assert "この下書きは他の人が先に保存しました" in r.get_data(as_text=True)
    assert designs.draft_of(session, key).revision == 1
    assert client.post(f"/designer/processes/{key}/versions/999/draft",
                       data={"csrf_token": csrf, "revision": "1"}).status_code == 404
    assert login(app, "staff@otaru").post(f"/designer/processes/{key}/versions/{first}/draft",
                                          data={"csrf_token": csrf, "revision": "1"}).status_code == 403


def test_any_two_deployed_versions_are_compared_without_touching_the_draft(app, session):
    from engine import deploy

    from ..conftest import ROOT, actor_for
    from ..helpers import login_client

    review = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
    first = deploy.latest(session, "layer_review").version
    deploy.deploy(session, actor_for(session, "designer01"), review.replace('name="事務局の審査"', 'name="比較の審査"'),
                  "layer_review.bpmn", note="名前を変える")
    session.commit()
    client = login_client(app, "designer01")
    assert 'id="compare-layer_review"' in client.get("/designer/processes").get_data(as_text=True)
    page = client.get(f"/designer/processes/layer_review/compare?from={first}&to={first + 1}").get_data(as_text=True)
    assert f"v{first} → v{first + 1}" in page and "比較の審査" in page and "名前を変える" in page
    assert '<tr class="change-changed"><td>変更</td>' in page
    english = client.get(f"/designer/processes/layer_review/compare?from={first}&to={first + 1}&lang=en")
    assert '<tr class="change-changed"><td>Changed</td>' in english.get_data(as_text=True)  # not the verb
    client.get("/designer/processes?lang=ja")
    same = client.get(f"/designer/processes/layer_review/compare?from={first}&to={first}").get_data(as_text=True)
    assert 'id="no-changes"' in same
    assert client.get("/designer/processes/layer_review/compare?from=999").status_code == 404
    assert login_client(app, "staff@otaru").get("/designer/processes/layer_review/compare").status_code == 403


def test_a_designer_creates_a_process_and_a_decision_table_in_the_browser(app, session):
    """新規作成: a key of its own, a name and a kind make version 1 — a start and an end, or a table
    of one rule — opened in the editor; a bad or taken key is refused beside the form. The library
    says a key nothing starts, calls or reads is unused."""
    from .test_screens__process_editor import _config, _csrf

    client = login(app, "designer01")
    page = text(client.get("/designer/processes"))
    assert 'id="new-process"' in page and 'action="/designer/processes/new"' in page
    assert 'id="unused-enrolment"' not in page and 'id="unused-layer_review"' not in page  # started, called
    csrf = _csrf(client)
    r = client.post("/designer/processes/new", data={"csrf_token": csrf, "key": "Board Check", "name": "",
                                                     "kind": "bpmn"})
    assert r.status_code == 422 and "キー（ID）は、英小文字で始まる" in text(r) and "名前を入力してください" in text(r)
    assert 'value="Board Check"' in text(r)  # what was typed stays
    r = client.post("/designer/processes/new", data={"csrf_token": csrf, "key": "enrolment", "name": "x",
                                                     "kind": "bpmn"})
    assert r.status_code == 422 and "キー（ID）は、すでに使われています" in text(r)
    assert deploy.latest(session, "enrolment").name == "入会届"  # untouched
    r = client.post("/designer/processes/new", data={"csrf_token": csrf, "key": "board_check",
                                                     "name": "理事会の確認 <試行>", "kind": "bpmn"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/designer/processes/board_check/edit")
    made = deploy.latest(session, "board_check")
    assert made.version == 1 and made.name == "理事会の確認 <試行>" and made.note == "新規作成"
    editor = client.get(r.headers["Location"])
    opened = _config(editor)
    assert "プロセスの編集" in text(editor) and 'id="board_check"' in opened["xml"] and opened["revision"] == 0
    r = client.post("/designer/processes/new", data={"csrf_token": csrf, "key": "dues_band", "name": "会費区分",
                                                     "kind": "dmn"})
    assert r.status_code == 302 and "決定表の編集" in text(client.get(r.headers["Location"]))
    page = text(client.get("/designer/processes"))
    assert 'id="unused-board_check"' in page and 'id="unused-dues_band"' in page
    assert login(app, "staff@chuoeast").post("/designer/processes/new", data={
        "key": "staff_made", "name": "x", "kind": "bpmn"}).status_code == 403
