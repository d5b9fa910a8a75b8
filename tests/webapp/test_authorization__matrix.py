"""Every screen and API route that takes an id, tried by roles that may not use it.

Outside one's scope a thing looks missing (404) — or, for a route of another role, forbidden
(403) — and the response never contains the member's data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import flows, tasks
from membership import drafts, import_runs, uploads
from membership.models import ApplicationDraft, Document, MemberCategory, Physician, UserAccount

from ..conftest import actor_for, new_member
from ..helpers import enrolment_body
from .test_members__import_export import csv_bytes, numbers

PDF = b"%PDF-1.4\n%%EOF\n"

OUTSIDERS = ["staff@tokyo", "staff@bunkyo", "staff@otaru", "designer01", "other-member"]


@pytest.fixture
def world(app, session):
    """A member of 中央区東支部 → 札幌市 → 北海道 → JMA with an application whose first task is open."""
    member = new_member(session, prefix="victim")
    root = Path(app.config["UPLOAD_DIR"])
    # a document filed with the application, and a draft (一時保存) with a document of its own
    chosen = {"associations": enrolment_body()["associations"]}
    filed = drafts.start(session, member, "enrolment", member.user_id, chosen)
    uploads.add_to_draft(session, member, filed, "chuoeast", "証明書.pdf", io.BytesIO(PDF), root)
    app_row = flows.submit_application(session, member, enrolment_body(), draft=filed, upload_root=root)
    document = uploads.of_application(session, app_row.id)[0]
    kept = drafts.start(session, member, "enrolment", member.user_id, chosen)
    drafts.save(session, member, kept, "input")
    uploads.add_to_draft(session, member, kept, "sapporo", "履歴書.pdf", io.BytesIO(PDF), root)
    task = tasks.list_tasks(session, actor_for(session, "staff@chuoeast"), application_id=app_row.id)[0][0]
    other = new_member(session, prefix="other")
    from engine import bulk

    run = bulk.start(session, actor_for(session, "staff@chuoeast"), [task.id], "approve", "")  # not worked yet
    # a member import of the office, checked and waiting for its job
    code = session.scalar(sa.select(MemberCategory.code).where(
        MemberCategory.association_id == actor_for(session, "staff@chuoeast").association_id).limit(1))
    import_run = import_runs.start(session, actor_for(session, "staff@chuoeast"), "members", "roster.csv", csv_bytes(
        [[numbers(1)[0], "取込", "一郎", "トリコミ", "イチロウ", "1970-04-01", "男", "", code, "2001-04-01"]]))
    session.flush()
    physician = session.get(Physician, member.physician_id)
    return {"member": member, "physician": physician, "application": app_row.id, "task": task.id,
            "other": other, "secret": physician.family_kana + physician.given_kana, "document": document.id,
            "draft": kept.id, "draft_document": uploads.of_draft(session, kept)[0].id, "run": run.id,
            "import_run": import_run.id}


def _client(app, session, who, world):
    login_id = world["other"].login_id if who == "other-member" else who
    client = app.test_client()
    assert client.post("/login", data={"login_id": login_id, "password": "Mamis#2024"}).status_code == 302
    return client


def _token(app, who, world):
    login_id = world["other"].login_id if who == "other-member" else who
    r = app.test_client().post("/api/v1/auth/token", json={"login_id": login_id, "password": "Mamis#2024"})
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


SCREENS = [
    ("GET", "/members/{physician}"), ("GET", "/members/{physician}/profile"),
    ("POST", "/members/{physician}/profile"), ("POST", "/members/{physician}/credentials"),
    ("GET", "/mypage/applications/{application}"), ("POST", "/mypage/applications/{application}/cancel"),
    ("GET", "/apply/enrolment/done/{application}"), ("GET", "/tasks/{task}"), ("POST", "/tasks/{task}"),
    ("GET", "/tasks/{task}?on_behalf=1"), ("POST", "/tasks/{task}?on_behalf=1"), ("GET", "/tasks/{task}/diagram"),
    ("GET", "/documents/{document}"), ("GET", "/documents/{document}?download=1"),
    ("GET", "/apply/enrolment/drafts/{draft}"), ("POST", "/apply/enrolment/drafts/{draft}/delete"),
    ("POST", "/apply/enrolment/documents/{draft_document}/delete"),
    ("GET", "/inbox/bulk/{run}"), ("GET", "/inbox/bulk/{run}/progress"), ("POST", "/inbox/bulk/{run}/cancel"),
    ("POST", "/inbox/bulk/{run}/retry"), ("GET", "/inbox/bulk/{run}/export"),
    ("GET", "/imports/{import_run}"), ("GET", "/imports/{import_run}/progress"),
]
API = [
    ("GET", "/api/v1/applications/{application}"), ("POST", "/api/v1/applications/{application}/cancel"),
    ("GET", "/api/v1/tasks/{task}"), ("POST", "/api/v1/tasks/{task}/claim"),
    ("POST", "/api/v1/tasks/{task}/unclaim"), ("POST", "/api/v1/tasks/{task}/complete"),
    ("GET", "/api/v1/tasks/bulk-runs/{run}"), ("POST", "/api/v1/tasks/bulk-runs/{run}/cancel"),
    ("POST", "/api/v1/tasks/bulk-runs/{run}/retry"), ("GET", "/api/v1/members/{physician}"),
]


def _run_status(session, world):
    from engine.models import BulkRun

    return session.scalar(sa.select(BulkRun.status).where(BulkRun.id == world["run"]))


def _url(template, world):
    return template.format(physician=world["physician"].id, application=world["application"], task=world["task"],
                           document=world["document"], draft=world["draft"], draft_document=world["draft_document"],
                           run=world["run"], import_run=world["import_run"])


@pytest.mark.parametrize("who", OUTSIDERS)
def test_screens_refuse_and_leak_nothing(app, session, world, who):
    client = _client(app, session, who, world)
    for method, template in SCREENS:
        url = _url(template, world)
        r = client.open(url, method=method, data={"decision": "approve"})
        body = r.get_data(as_text=True)
        if r.status_code == 302:  # the cancel form answers with a redirect; nothing may have happened
            assert "/login" not in r.headers["Location"], (who, url)
        else:
            assert r.status_code in (403, 404), (who, method, url, r.status_code)
        assert world["secret"] not in body, (who, url)
    session.expire_all()
    assert session.scalar(sa.select(UserAccount.must_change_credentials).where(
        UserAccount.id == world["member"].user_id)) is False
    assert session.get(ApplicationDraft, world["draft"]) is not None  # nobody deleted the draft
    assert session.get(Document, world["draft_document"]) is not None
    assert tasks.get_task(session, actor_for(session, "staff@chuoeast"), world["task"]).status == "open"
    assert _run_status(session, world) == "queued"  # nobody stopped the office's bulk run


@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_refuses_and_leaks_nothing(app, session, world, who):
    headers = _token(app, who, world)
    client = app.test_client()
    for method, template in API:
        url = _url(template, world)
        r = client.open(url, method=method, headers=headers, json={"decision": "approve", "comment": ""})
        assert r.status_code in (403, 404), (who, method, url, r.status_code)
        assert world["secret"] not in r.get_data(as_text=True), (who, url)
    session.expire_all()
    assert tasks.get_task(session, actor_for(session, "staff@chuoeast"), world["task"]).status == "open"
    assert _run_status(session, world) == "queued"


def test_the_same_routes_answer_those_who_may_use_them(app, session, world):
    """The control: every GET above exists and works for its rightful user (so 404s above are real)."""
    staff = _client(app, session, "staff@chuoeast", world)
    for template in ("/members/{physician}", "/members/{physician}/profile", "/tasks/{task}", "/tasks/{task}/diagram",
                     "/documents/{document}", "/inbox/bulk/{run}", "/inbox/bulk/{run}/progress",
                     "/inbox/bulk/{run}/export", "/imports/{import_run}", "/imports/{import_run}/progress"):
        assert staff.get(_url(template, world)).status_code == 200, template
    owner = _client(app, session, world["member"].login_id, world)
    assert owner.get(_url("/documents/{document}", world)).status_code == 200
    assert owner.get(_url("/apply/enrolment/drafts/{draft}", world)).status_code == 302
    assert owner.post(_url("/apply/enrolment/documents/{draft_document}/delete", world)).status_code == 302
    member = app.test_client()
    member.post("/login", data={"login_id": world["member"].login_id, "password": "Mamis#2024"})
    for template in ("/mypage/applications/{application}", "/apply/enrolment/done/{application}"):
        assert member.get(_url(template, world)).status_code == 200, template
    headers = _token(app, "staff@chuoeast", world)
    for template in ("/api/v1/applications/{application}", "/api/v1/tasks/{task}", "/api/v1/tasks/bulk-runs/{run}",
                     "/api/v1/members/{physician}"):
        assert app.test_client().get(_url(template, world), headers=headers).status_code == 200, template
