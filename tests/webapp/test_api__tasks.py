"""The task API: the inbox, completing, conflicts, scope, bulk completion."""

from __future__ import annotations

import sqlalchemy as sa

from ..conftest import new_member, query_count
from ..helpers import enrolment_body


def inbox(api, code, app_id, status="open"):
    return [t for t in api(f"staff@{code}").get(f"/api/v1/tasks?status={status}").get_json()
            if t["application_id"] == app_id]


def test_the_full_chain_through_the_api_ends_with_active_memberships(api, enrolled):
    member, app = enrolled
    for code in ("chuoeast", "sapporo", "hokkaido", "jma"):
        [task] = inbox(api, code, app["id"])
        assert task["association"] == code and task["kind"] == "review"
        r = api(f"staff@{code}").post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"})
        assert r.status_code == 200 and r.get_json()["status"] == "completed"
    assert member.get(f"/api/v1/applications/{app['id']}").get_json()["status"] == "approved"
    me = member.get("/api/v1/members/me").get_json()
    assert [m["association"] for m in me["memberships"]] == ["chuoeast", "sapporo", "hokkaido", "jma"]


def test_second_completion_is_409(api, enrolled):
    _, app = enrolled
    [task] = inbox(api, "chuoeast", app["id"])
    staff = api("staff@chuoeast")
    assert staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 200
    r = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "conflict"


def test_other_associations_cannot_read_or_complete(api, enrolled):
    _, app = enrolled
    [task] = inbox(api, "chuoeast", app["id"])
    for code in ("otaru", "sapporo"):
        other = api(f"staff@{code}")
        assert other.get(f"/api/v1/tasks/{task['id']}").status_code == 404
        assert other.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 404
    assert inbox(api, "chuoeast", app["id"])[0]["status"] == "open"


def test_decision_is_validated(api, enrolled):
    _, app = enrolled
    [task] = inbox(api, "chuoeast", app["id"])
    staff = api("staff@chuoeast")
    r = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "maybe"})
    assert r.status_code == 422 and "decision" in r.get_json()["error"]["fields"]
    r = staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "reject"})
    assert r.status_code == 422 and "comment" in r.get_json()["error"]["fields"]


def test_claim_keeps_colleagues_out(api, session, enrolled):
    from membership.accounts import create_user

    _, app = enrolled
    create_user(session, "staff2@chuoeast", "Mamis#2024", "secretariat", "chuoeast")
    [task] = inbox(api, "chuoeast", app["id"])
    me, colleague = api("staff@chuoeast"), api("staff2@chuoeast")
    assert me.post(f"/api/v1/tasks/{task['id']}/claim").get_json()["claimed_by"] is not None
    assert colleague.post(f"/api/v1/tasks/{task['id']}/claim").status_code == 409
    assert colleague.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 409
    assert me.post(f"/api/v1/tasks/{task['id']}/unclaim").get_json()["claimed_by"] is None
    assert colleague.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 200


def test_bulk_complete_reports_each_task(api, session):
    ids = []
    for _ in range(2):
        member = new_member(session)
        r = api(member.login_id).post("/api/v1/applications", json=enrolment_body([("otaru", "A-1")]))
        ids += [t["id"] for t in inbox(api, "otaru", r.get_json()["id"])]
    staff = api("staff@otaru")
    r = staff.post("/api/v1/tasks/bulk-complete", json={"ids": [*ids, 999999, ids[0]], "decision": "approve"})
    assert [row["id"] for row in r.get_json()] == [*ids, 999999, ids[0]]  # one entry per id given
    results = {row["id"]: row for row in r.get_json()}
    assert all(results[i]["ok"] for i in ids)
    assert r.get_json()[-1]["ok"] is True  # the repeated id was worked once: no "already completed"
    assert results[999999]["ok"] is False and results[999999]["error"]["code"] == "not_found"


def test_bulk_complete_takes_a_board_meeting_of_1000_tasks_and_no_more(api):
    staff = api("staff@otaru")
    at_limit = staff.post("/api/v1/tasks/bulk-complete", json={"ids": list(range(900001, 901001)),
                                                               "decision": "approve"})
    assert at_limit.status_code == 200  # each unknown id fails on its own
    assert len(at_limit.get_json()) == 1000 and not any(row["ok"] for row in at_limit.get_json())
    over = staff.post("/api/v1/tasks/bulk-complete", json={"ids": list(range(900001, 901002)),
                                                           "decision": "approve"})
    assert over.status_code == 422 and "ids" in over.get_json()["error"]["fields"]


def test_the_inbox_query_count_does_not_grow_with_tasks(api, session, db_engine):
    staff = api("staff@otaru")
    staff.get("/api/v1/tasks")  # warm up
    base = query_count(db_engine, lambda: staff.get("/api/v1/tasks"))
    for _ in range(3):
        api(new_member(session).login_id).post("/api/v1/applications", json=enrolment_body([("otaru", "A-1")]))
    assert len(staff.get("/api/v1/tasks").get_json()) >= 3
    assert query_count(db_engine, lambda: staff.get("/api/v1/tasks")) == base


def test_kind_filters_by_the_task_kind_or_by_the_application_kind(api, enrolled):
    _, app = enrolled
    staff = api("staff@chuoeast")

    def ids(query):
        return {t["id"] for t in staff.get(f"/api/v1/tasks?{query}").get_json() if t["application_id"] == app["id"]}

    mine = ids("")
    assert mine and ids("kind=review") == mine and ids("kind=enrolment") == mine
    assert ids("kind=amend") == set() and ids("kind=withdrawal") == set()


def test_a_bulk_call_stopped_by_an_internal_error_answers_what_was_done_and_leaves_nothing_to_resume(
        api, session, monkeypatch):
    from engine import bulk as runs
    from engine import tasks
    from engine.models import BulkRun

    ids = []
    for _ in range(3):
        r = api(new_member(session).login_id).post("/api/v1/applications", json=enrolment_body([("otaru", "A-1")]))
        ids += [t["id"] for t in inbox(api, "otaru", r.get_json()["id"])]
    real, calls = tasks.complete_task, []

    def failing_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "complete_task", failing_second)
    r = api("staff@otaru").post("/api/v1/tasks/bulk-complete", json={"ids": ids, "decision": "approve"})
    assert r.status_code == 200
    assert [(row["ok"], (row["error"] or {}).get("code")) for row in r.get_json()] == [
        (True, None), (False, "interrupted"), (False, "interrupted")]
    assert "もう一度" in r.get_json()[1]["error"]["message"]
    run = session.scalars(sa.select(BulkRun).order_by(BulkRun.id.desc())).first()
    assert run.status == "cancelled"
    assert run.id not in runs.stale_runs(session, run.updated_at + runs.STALE_AFTER * 2)  # the beat leaves it
    monkeypatch.setattr(tasks, "complete_task", real)
    again = api("staff@otaru").post("/api/v1/tasks/bulk-complete", json={"ids": ids[1:], "decision": "approve"})
    assert [row["ok"] for row in again.get_json()] == [True, True]  # what was not worked can be sent again


def test_the_list_filters_still_apply_when_the_inbox_pages_them(api, session):
    """A client paging completed tasks (`status=completed&per_page=50`) got open ones: the inbox's
    parameters dropped API.md's filters. Now `status` and an application kind as `kind` filter there
    too, and what cannot combine is refused naming it."""
    staff = api("staff@otaru")
    done, waiting = [], []
    for bucket in (done, waiting):
        r = api(new_member(session).login_id).post("/api/v1/applications", json=enrolment_body([("otaru", "A-1")]))
        bucket += [t["id"] for t in inbox(api, "otaru", r.get_json()["id"])]
    assert staff.post(f"/api/v1/tasks/{done[0]}/complete", json={"decision": "approve"}).status_code == 200
    completed = staff.get("/api/v1/tasks?status=completed&per_page=100").get_json()
    assert done[0] in [t["id"] for t in completed] and waiting[0] not in [t["id"] for t in completed]
    assert {t["status"] for t in completed} == {"completed"}
    opened = staff.get("/api/v1/tasks?status=open&per_page=100").get_json()
    assert waiting[0] in [t["id"] for t in opened] and done[0] not in [t["id"] for t in opened]
    by_kind = staff.get("/api/v1/tasks?kind=withdrawal&page=1").get_json()
    assert waiting[0] not in [t["id"] for t in by_kind]  # an enrolment's task
    assert waiting[0] in [t["id"] for t in staff.get("/api/v1/tasks?kind=enrolment&page=1").get_json()]
    for query in ("association=otaru&view=open", "kind=review&page=1"):
        r = staff.get(f"/api/v1/tasks?{query}")
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {query.split("=")[0]}
