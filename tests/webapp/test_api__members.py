"""The member list, a member's page and the dashboard through the API (what the screens use), in
the caller's scope only."""

from __future__ import annotations

from engine import tasks
from membership import members
from membership.models import Application

from ..conftest import actor_for
from ..helpers import approved_member


def test_the_member_list_and_a_members_page_for_the_office(api, session):
    member, _ = approved_member(session, prefix="apim", begun=False)
    enrolment = session.query(Application).filter_by(physician_id=member.physician_id).one()
    staff = api("staff@chuoeast")
    # approved from its desired date, a month ahead: 入会予定, not yet among 現会員
    assert staff.get(f"/api/v1/members?q={member.login_id}&status=active").get_json() == []
    r = staff.get(f"/api/v1/members?q={member.login_id}&status=upcoming")
    assert r.status_code == 200 and r.headers["X-Total-Count"] == "1"
    [row] = r.get_json()
    assert row == {"id": member.physician_id, "name": "試験 一郎", "kana": "シケン イチロウ",
                   "registry_number": row["registry_number"], "category": "A-1", "standing": "upcoming",
                   "since": row["since"]}
    assert staff.get(f"/api/v1/members?q={member.login_id}&status=former").get_json() == []

    page = staff.get(f"/api/v1/members/{member.physician_id}").get_json()
    task_id = tasks.list_tasks(session, actor_for(session, "staff@chuoeast"), status="all",
                               application_id=enrolment.id)[0][0].id
    assert page["login_id"] == member.login_id and page["id"] == member.physician_id
    seen = members.memberships_in_scope(session, actor_for(session, "staff@chuoeast"), member.physician_id)
    assert [(m["association"], m["category"]) for m in page["memberships"]] == [
        (m.association.code, m.category.code) for m in seen] and len(seen) == 4  # the member's chain
    assert page["applications"] == [{"id": enrolment.id, "kind": "enrolment", "status": "approved",
                                      "created_at": page["applications"][0]["created_at"], "task_id": task_id}]

    bad = staff.get("/api/v1/members?status=gone")
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {
        "status": "会員の状況は一覧から選んでください。"}
    assert api("staff@tokyo").get(f"/api/v1/members/{member.physician_id}").status_code == 404
    for who in ("nichiitaro", "designer01"):
        assert api(who).get("/api/v1/members").status_code == 403
        assert api(who).get(f"/api/v1/members/{member.physician_id}").status_code == 403


def test_the_dashboards_figures(api, session):
    approved_member(session, prefix="apid")
    r = api("staff@chuoeast").get("/api/v1/dashboard")
    figures = tasks.dashboard(session, actor_for(session, "staff@chuoeast"))
    body = r.get_json()
    assert r.status_code == 200 and body["open_total"] == figures["open_total"]
    assert sum(w["completed"] for w in body["per_week"]) == sum(n for _, n, _days in figures["per_week"]) >= 1
    assert [w["lead_days"] for w in body["per_week"]] == [days for *_, days in figures["per_week"]]
    assert {k: body[k] for k in ("overdue", "due_soon", "unclaimed", "done_this_week", "lead_days")} == {
        k: figures[k] for k in ("overdue", "due_soon", "unclaimed", "done_this_week", "lead_days")}
    assert [a["label"] for a in body["ages"]] == [label for label, _ in figures["ages"]]
    assert body["by_prefecture"] == []  # an office: its own numbers only
    national = api("staff@jma").get("/api/v1/dashboard").get_json()
    assert sum(p["open"] for p in national["by_prefecture"]) == national["open_total"] >= body["open_total"]
    assert api("nichiitaro").get("/api/v1/dashboard").status_code == 403
    spec = api("staff@chuoeast").get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/members", "/api/v1/members/{physician_id}", "/api/v1/dashboard"} <= set(spec)
