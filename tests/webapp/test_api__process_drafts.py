"""The designer's operations in the API: drafts, validation per element, dry run, deploy, and
the admins' migration — so processes can also be deployed from a repository by CI."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine import tasks
from engine.models import ProcessInstance

from ..conftest import ROOT, actor_for, new_member
from ..helpers import file_enrolment, open_task_for

REVIEW = (ROOT / "processes/layer_review/layer_review.bpmn").read_text(encoding="utf-8")
DRAFT = "/api/v1/process-definitions/layer_review/draft"
XML = {"content_type": "application/xml"}


def test_draft_saved_with_problems_cannot_be_deployed_until_fixed(api, session):
    from .test_screens__process_editor import _one_application_reviewed

    _one_application_reviewed(session)
    designer = api("designer01")
    assert designer.get(DRAFT).status_code == 404
    bad = REVIEW.replace('decision == "reject"', "decision.__class__")
    r = designer.put(DRAFT, data=bad, headers={"If-Match": "0"}, **XML)
    assert r.status_code == 200
    body = r.get_json()
    assert body["revision"] == 1 and not body["deployable"]
    assert [(p["element"], p["code"]) for p in body["problems"]] == [("flow_reject", "condition")]
    assert "条件式" in body["problems"][0]["message"]
    refused = designer.post(DRAFT + "/deploy", headers={"If-Match": "1"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["problems"][0]["element"] == "flow_reject"
    assert designer.get(DRAFT + "/dry-run").status_code == 422

    # an edit made on an old revision loses against the newer save
    stale = designer.put(DRAFT, data=REVIEW, headers={"If-Match": "0"}, **XML)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    fixed = designer.put(DRAFT, data=REVIEW.replace('name="事務局の審査"', 'name="API審査"'),
                         headers={"If-Match": "1"}, **XML)
    assert fixed.get_json()["deployable"] and fixed.get_json()["revision"] == 2
    assert "API審査" in designer.get(DRAFT).get_json()["xml"]
    deployed = designer.post(DRAFT + "/deploy", headers={"If-Match": "2"})
    assert deployed.status_code == 201
    assert "API審査" in designer.get("/api/v1/process-definitions/layer_review/versions/latest").get_data(as_text=True)
    assert designer.get(DRAFT).status_code == 404  # the draft became the version


def test_a_file_for_another_key_and_members_are_refused(api):
    designer = api("designer01")
    r = designer.put("/api/v1/process-definitions/enrolment/draft", data=REVIEW, headers={"If-Match": "0"}, **XML)
    assert r.get_json()["problems"][0]["code"] == "key_mismatch"
    assert designer.put(DRAFT, data=REVIEW, **XML).status_code == 422  # no revision named
    assert api("sapporohanako").put(DRAFT, data=REVIEW, headers={"If-Match": "0"}, **XML).status_code == 403
    assert api("staff@otaru").get(DRAFT).status_code == 403


def test_dry_run_lists_each_past_application(api, session):
    staff = actor_for(session, "staff@otaru")
    app = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    tasks.complete_task(session, staff, open_task_for(session, staff, app.id).id, "reject", comment="不備")
    designer = api("designer01")
    swapped = REVIEW.replace('decision == "reject"', 'decision == "nobody"')
    designer.put(DRAFT, data=swapped, headers={"If-Match": "0"}, **XML)
    rows = designer.get(DRAFT + "/dry-run?limit=5").get_json()
    row = next(r for r in rows if r["application_id"] == app.id)
    assert row["recorded_outcome"] == "rejected" and row["differs"]
    assert designer.get(DRAFT + "/dry-run?limit=0").status_code == 422
    assert designer.delete(DRAFT, headers={"If-Match": "1"}).status_code == 204


def test_admins_migrate_one_or_all_and_designers_may_not(api, session):
    staff = actor_for(session, "staff@otaru")
    app = file_enrolment(session, new_member(session), chain=[("otaru", "A-1")])
    instance_id = session.scalar(sa.select(ProcessInstance.id).where(ProcessInstance.application_id == app.id))
    v1 = api("designer01").get("/api/v1/process-definitions/layer_review/versions").get_json()[0]["version"]
    api("designer01").post("/api/v1/process-definitions/layer_review/versions",
                           data=REVIEW.replace('name="事務局の審査"', 'name="移行後の審査"'), **XML)
    assert api("designer01").post(f"/api/v1/process-instances/{instance_id}/migrate").status_code == 403
    admin = api("admin001")
    r = admin.post(f"/api/v1/process-instances/{instance_id}/migrate")
    assert r.status_code == 200 and r.get_json()["migrated"], r.get_json()
    assert r.get_json()["versions"]["layer_review"] == v1 + 1  # a version number, not a row id
    assert open_task_for(session, staff, app.id).name == "移行後の審査"
    again = admin.post(f"/api/v1/process-instances/{instance_id}/migrate").get_json()
    assert not again["migrated"] and again["reason"] == "up_to_date" and again["message"]
    bulk = admin.post(f"/api/v1/process-definitions/layer_review/versions/{v1}/migrate").get_json()
    assert instance_id not in {o["instance_id"] for o in bulk}  # it is no longer on v1


def test_the_operations_are_in_the_openapi_document(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/process-definitions/{key}/draft", "/api/v1/process-definitions/{key}/draft/deploy",
                 "/api/v1/process-definitions/{key}/draft/dry-run", "/api/v1/process-instances/{instance_id}/migrate",
                 "/api/v1/process-definitions/{key}/versions/{version}/migrate"):
        assert path in paths, path
    assert set(paths["/api/v1/process-definitions/{key}/draft"]) >= {"get", "put", "delete"}


def test_the_api_deploys_a_draft_its_dry_run_finds_at_fault_only_when_confirmed(api, session):
    """As the screen's tick: a decision table that cannot decide its cases is refused (409, the
    risk named) until `confirm=true`."""
    from engine import deploy

    fees = (ROOT / "processes/fee_reduction/fee_reduction_candidates.dmn").read_text(encoding="utf-8")
    draft = "/api/v1/process-definitions/fee_reduction_candidates/draft"
    designer = api("designer01")
    assert designer.put(draft, data=fees.replace("&gt;= 80", "&gt; \"x\""), headers={"If-Match": "0"},
                        **XML).status_code in (200, 201)
    before = deploy.latest(session, "fee_reduction_candidates").version
    refused = designer.post(draft + "/deploy", headers={"If-Match": "1"})
    assert refused.status_code == 409 and "failing" in refused.get_json()["error"]["message"]
    assert deploy.latest(session, "fee_reduction_candidates").version == before
    done = designer.post(draft + "/deploy?confirm=true", headers={"If-Match": "1"})
    assert done.status_code == 201 and deploy.latest(session, "fee_reduction_candidates").version == before + 1


def test_a_draft_with_a_character_xml_forbids_is_refused_and_nothing_is_saved(api):
    """NUL and the other C0 controls have no place in XML 1.0 (nor NUL in PostgreSQL's text): a
    draft carrying one is refused naming the BPMN, on either database."""
    designer = api("designer01")
    for bad in ("<a>\x00</a>", REVIEW.replace("<bpmn:process", "<!-- \x00 --><bpmn:process", 1), "<a>\x1b</a>"):
        r = designer.put(DRAFT, data=bad.encode(), headers={"If-Match": "0"}, **XML)
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"bpmn"}, r.get_json()
    assert designer.get(DRAFT).status_code == 404


def test_a_draft_too_large_to_deploy_is_not_kept(api, app):
    """Every editor open would send it back (and it could never be deployed): refused at the save."""
    from engine import validation

    huge = REVIEW.replace("<bpmn:process", "<!-- " + "x" * validation.MAX_BPMN_BYTES + " --><bpmn:process", 1)
    r = api("designer01").put(DRAFT, data=huge.encode(), headers={"If-Match": "0"}, **XML)
    assert r.status_code == 422 and "2 MB" in r.get_json()["error"]["fields"]["bpmn"]
    assert api("designer01").get(DRAFT).status_code == 404
    from ..helpers import login_client

    client = login_client(app, "designer01")
    page = client.get("/designer/processes/layer_review/edit").get_data(as_text=True)
    csrf = re.search(r'"csrf": "([^"]+)"', page).group(1)
    r = client.put("/designer/processes/layer_review/draft", data=huge, content_type="application/xml",
                   headers={"X-CSRFToken": csrf, "X-Draft-Revision": "0"})
    assert r.status_code == 422 and "2 MB" in r.get_json()["message"]
