"""Bad input is a 4xx, never a 500 (API.md): ids past a 64-bit integer in URLs and bodies,
non-finite and enormous numbers, deeply nested JSON, booleans and fractions where ids go."""

from __future__ import annotations

import pytest

from ..conftest import new_member
from ..helpers import approved_member, enrolment_body

HUGE = 2**63
BIG_DIGITS = "9" * 5000


@pytest.mark.parametrize("method, url", [
    ("get", f"/api/v1/applications/{HUGE}"), ("post", f"/api/v1/applications/{HUGE}/cancel"),
    ("get", f"/api/v1/tasks/{HUGE}"), ("post", f"/api/v1/tasks/{HUGE}/claim"),
    ("post", f"/api/v1/tasks/{HUGE}/unclaim"), ("get", f"/api/v1/applications/{10**40}"),
    ("get", f"/api/v1/applications/{2**31}"),  # one past PostgreSQL's INTEGER
    ("get", f"/api/v1/process-definitions/enrolment/versions/{10**30}"),
])
def test_ids_past_64_bits_in_the_url_are_not_found(api, method, url):
    r = getattr(api("staff@otaru"), method)(url)
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_wild_numbers_and_shapes_in_bodies_are_refused_as_bad_input(api, session):
    client = api(new_member(session, prefix="wild").login_id)
    for facility_id in (HUGE, 2**31, 10**30, 1e308, True, 1.5, -1, "12abc"):
        r = client.post("/api/v1/applications", json={**enrolment_body(), "facility_id": facility_id})
        assert r.status_code == 422, facility_id
        assert set(r.get_json()["error"]["fields"]) == {"facility_id"}, facility_id
    staff = api("staff@chuoeast")
    for ids in ([HUGE], [2**31], [1.5], [True]):
        r = staff.post("/api/v1/tasks/bulk-complete", json={"ids": ids, "decision": "approve"})
        assert r.status_code == 422, ids
    for ids in ([], list(range(1, 1002))):  # the list's limits are said
        r = staff.post("/api/v1/tasks/bulk-complete", json={"ids": ids, "decision": "approve"})
        assert r.status_code == 422 and "1件から1000件まで" in r.get_json()["error"]["fields"]["ids"], r.get_json()
    raw = {"Content-Type": "application/json"}
    for body in ('{"kind": "enrolment", "facility_id": 1e999}', '{"kind": "enrolment", "facility_id": NaN}',
                 '{"login_id": ' + BIG_DIGITS + ', "password": "x"}', "[" * 5000 + "]" * 5000,
                 '{"kind": "certification", "kind": "withdrawal"}', '{"login_id": "a", "login_id": "b"}'):
        for url in ("/api/v1/applications", "/api/v1/auth/token"):
            r = client.post(url, data=body, headers=raw)
            assert r.status_code == 400, (url, body[:30])
            assert r.get_json()["error"]["code"] == "bad_request"


def test_a_transfer_or_a_withdrawal_with_wild_ids_is_refused(api, session):
    member, _ = approved_member(session, prefix="wilt")
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json={
        "kind": "transfer", "group_id": HUGE, "facility_id": 10**25, "duty_code": "11",
        "desired_date": "2099-01-01", "associations": [{"code": "kitaku", "category": "B-2"}]})
    assert r.status_code == 422 and {"group_id", "facility_id"} <= set(r.get_json()["error"]["fields"])
    r = client.post("/api/v1/applications", json={
        "kind": "withdrawal", "group_id": 10**30, "associations": ["chuoeast"], "reason": "death",
        "desired_date": "2099-01-01"})
    assert r.status_code == 422 and "group_id" in r.get_json()["error"]["fields"]


def test_empty_query_values_are_taken_as_not_given(api):
    client = api("staff@otaru")
    everything = client.get("/api/v1/associations").get_json()
    assert client.get("/api/v1/associations?layer=&parent=&q=").get_json() == everything
    r = client.get("/api/v1/tasks?status=&kind=")
    assert r.status_code == 200 and r.get_json() == client.get("/api/v1/tasks").get_json()


def test_a_body_that_is_not_an_object_names_the_request_not_a_schema(api, session):
    client = api(new_member(session, prefix="arr").login_id)
    for body in ([1, 2], "enrolment", 7):
        r = client.post("/api/v1/applications", json=body)
        assert r.status_code in (400, 422), body
        fields = r.get_json()["error"]["fields"]
        assert "_schema" not in fields and all("_schema" not in text for text in fields.values()), fields
    r = client.post("/api/v1/applications", json={"kind": "certification"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"certificate"}


@pytest.mark.parametrize("wild", ["a\u0000b", "a\ud800"])
def test_a_nul_or_a_lone_surrogate_is_refused_naming_the_field(api, app, session, wild):
    """PostgreSQL's text cannot hold NUL and no encoding can write a lone surrogate: both reached
    the database (or the encoder) and answered 500, the token call included."""
    import json

    raw = {"Content-Type": "application/json"}
    anonymous = app.test_client()
    r = anonymous.post("/api/v1/auth/token", data=json.dumps({"login_id": wild, "password": "x"}), headers=raw)
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"login_id"}
    assert "使えない文字" in r.get_json()["error"]["fields"]["login_id"]
    member = api(new_member(session, prefix="nul").login_id)
    body = {**enrolment_body(), "associations": [{"code": wild, "category": "A-1"}]}
    r = member.post("/api/v1/applications", data=json.dumps(body), headers=raw)
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"associations[0].code"}
    staff = api("staff@otaru")
    if "\u0000" in wild:  # (a URL or a form cannot carry a lone surrogate: it arrives as U+FFFD)
        for url in ("/api/v1/associations?q=a%00b", "/api/v1/tasks?applicant=%00", "/api/v1/members?q=%00",
                    "/api/v1/process-definitions/a%00b/versions/latest"):
            r = staff.get(url)
            assert r.status_code == 422, url
            assert r.get_json()["error"]["code"] == "invalid", url
        r = anonymous.post("/login", data={"login_id": "a\u0000b", "password": "x"})
        assert r.status_code == 422  # the screens too
        r = anonymous.get("/api/v1/audit-events?before=%00")  # no credentials: that is said first
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized"
    r = staff.get("/api/v1/tasks?view=open")
    assert r.status_code == 200  # nothing left broken behind


def test_a_value_quoted_back_in_an_error_is_cut_and_an_object_is_not_quoted(api, session):
    client = api(new_member(session, prefix="echo").login_id)
    huge = "x" * 100_000
    r = client.post("/api/v1/applications", json={**enrolment_body(), "associations": [{"code": huge}]})
    assert r.status_code == 422 and len(r.get_data()) < 2_000
    assert "x" * 60 + "…" in r.get_data(as_text=True)
    r = client.post("/api/v1/applications", json={**enrolment_body(), "associations": [{"code": {"a": 1}}]})
    assert r.status_code == 422 and "{'a'" not in r.get_data(as_text=True)


def test_a_json_body_sent_without_its_content_type_is_told_so(api, session):
    """curl -d '{…}' sends form encoding: the answer says what to send, not "kind is required"."""
    client = api(new_member(session, prefix="notype").login_id)
    body = '{"kind": "enrolment"}'
    for content_type in ({}, {"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}):
        r = client.post("/api/v1/applications", data=body, headers=content_type)
        error = r.get_json()["error"]
        assert r.status_code == 400 and error["code"] == "bad_request", content_type
        assert "Content-Type: application/json" in error["message"] and error["fields"] == {}
    r = client.post("/api/v1/applications", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "invalid"  # typed: checked as a body
    r = client.client.post("/api/v1/auth/token", data='{"login_id": "x", "password": "y"}')
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"


def test_an_empty_kind_beside_the_inbox_s_parameters_is_not_given(api):
    client = api("staff@sapporo")
    r = client.get("/api/v1/tasks?kind=&page=1")
    assert r.status_code == 200 and r.get_json() == client.get("/api/v1/tasks?page=1").get_json()
    assert client.get("/api/v1/tasks?association=&page=1").status_code == 200


def test_lists_and_objects_where_a_code_goes_are_refused_naming_the_field(api, session):
    client = api(new_member(session, prefix="wshape").login_id)
    for facility_id in ([1], {}, ["home"]):
        r = client.post("/api/v1/applications", json={**enrolment_body(), "facility_id": facility_id})
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"facility_id"}, facility_id
    for field, value in (("duty_code", ["11"]), ("position", {"x": 1})):
        r = client.post("/api/v1/applications", json={**enrolment_body(), field: value})
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {field}, field
    member, _ = approved_member(session, prefix="wshapt")
    r = api(member.login_id).post("/api/v1/applications", json={
        "kind": "transfer", "facility_id": [1], "duty_code": "11", "desired_date": "2099-01-01",
        "associations": [{"code": "kitaku", "category": "B-2"}]})
    assert r.status_code == 422 and "facility_id" in r.get_json()["error"]["fields"]


def _returned(api, session, body, code):
    """An application filed through the API and returned by `code`'s office: (member client, amend task id)."""
    from engine import tasks

    from ..conftest import actor_for
    from ..helpers import open_task_for

    member = new_member(session, prefix="wamd") if body["kind"] == "enrolment" else approved_member(
        session, prefix="wamw")[0]
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    staff = actor_for(session, f"staff@{code}")
    tasks.complete_task(session, staff, open_task_for(session, staff, app_id).id, "return", "直してください")
    session.flush()
    return client, open_task_for(session, member, app_id).id, app_id


def test_an_amendment_of_the_wrong_shape_is_refused_and_changes_nothing(api, session):
    from membership.models import Application

    client, amend, app_id = _returned(api, session, enrolment_body(), "chuoeast")
    before = dict(session.get(Application, app_id).payload)
    for changes, field in (({"categories": "x"}, "categories"), ({"facility_id": [1]}, "facility_id"),
                           ({"duty_code": ["11"]}, "duty_code"), ({"categories": {"nowhere": "A-1"}}, "categories"),
                           ({"categories": {"chuoeast": ["A-1"]}}, "category-chuoeast")):
        r = client.post(f"/api/v1/tasks/{amend}/complete", json={"changes": changes})
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (changes, r.get_json())
    session.expire_all()
    assert session.get(Application, app_id).payload == before and session.get(Application, app_id).status == "returned"
    # a reviewer's decision carries no changes: refused, not ignored
    other = api(new_member(session, prefix="wrev").login_id).post("/api/v1/applications", json=enrolment_body())
    staff = api("staff@chuoeast")
    [review] = [t for t in staff.get("/api/v1/tasks?status=open&kind=review").get_json()
                if t["application_id"] == other.get_json()["id"]]
    r = staff.post(f"/api/v1/tasks/{review['id']}/complete",
                   json={"decision": "approve", "changes": {"desired_date": "2025-02-30"}})
    assert r.status_code == 422 and "changes" in r.get_json()["error"]["fields"]
    assert staff.get(f"/api/v1/tasks/{review['id']}").get_json()["status"] == "open"


def test_a_withdrawal_amendment_of_the_wrong_shape_is_refused(api, session):
    import datetime as dt

    from membership.fields import today_jst

    body = {"kind": "withdrawal", "desired_date": (today_jst() + dt.timedelta(days=30)).isoformat(),
            "reason": "retirement", "associations": ["chuoeast"]}
    client, amend, _ = _returned(api, session, body, "chuoeast")
    for changes, field in (({"reason": ["x"]}, "reason"), ({"reason": {}}, "reason"),
                           ({"withdrawal_reason": ["x"]}, "reason"), ({"reason_text": ["x"]}, "reason_text")):
        r = client.post(f"/api/v1/tasks/{amend}/complete", json={"changes": changes})
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (changes, r.get_json())


def test_what_a_request_got_wrong_is_named_as_the_request_names_it(api):
    """A 405 says which methods are allowed; a draft's missing revision names the revision; an id
    past PostgreSQL's INTEGER in a filter is refused naming the filter."""
    r = api("staff@sapporo").patch("/api/v1/tasks")
    assert r.status_code == 405 and {"GET", "POST"} & set(r.headers.get("Allow", "").replace(" ", "").split(","))
    r = api("designer01").put("/api/v1/process-definitions/withdrawal/draft", data=b"<a/>",
                              content_type="application/xml")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"revision"}
    r = api("admin001").get("/api/v1/members/changes?before=2147483648")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"before"}


def test_a_caller_who_may_not_use_a_list_is_told_so_before_its_query_is_judged(api, session):
    member = api(new_member(session, prefix="wrole").login_id)
    for url in ("/api/v1/members?page=0", "/api/v1/certificates?page=0", "/api/v1/members/changes?before=x",
                "/api/v1/audit-events?before=x"):
        assert member.get(url).status_code == 403, url
    assert api("staff@sapporo").get("/api/v1/audit-events?before=x").status_code == 403
    assert api("admin001").get("/api/v1/audit-events?before=x").status_code == 422  # the admin's is judged
    spec = api(None).get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/members"]["get"]["parameters"]}
    assert {"q", "status", "category", "branch", "page"} <= names  # still documented



def test_asking_co_organisers_names_the_body_s_own_field(app, api, session):
    """The body's field is `associations` (the screens' is co_organisers): an error names it."""
    import uuid

    import sqlalchemy as sa

    from membership.models import TrainingSession

    from .test_screens__training_sessions import _file

    _, r = _file(app, title=f"共催を頼む研修会 {uuid.uuid4().hex[:6]}")
    assert r.status_code == 302
    ts = session.scalar(sa.select(TrainingSession).order_by(TrainingSession.id.desc()))
    for body in ({"associations": []}, {"associations": ["nowhere"]}, {"associations": ["sapporo"]}):
        r = api("staff@sapporo").post(f"/api/v1/sessions/{ts.id}/co-organisers", json=body)
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"associations"}, r.get_json()
        assert "共催の医師会" in r.get_json()["error"]["fields"]["associations"]
