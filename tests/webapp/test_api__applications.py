"""POST/GET /api/v1/applications: validation with field errors, scope, cancel."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from membership.models import Application

from ..conftest import new_member
from ..helpers import enrolment_body


def test_anonymous_callers_get_401_in_the_documented_shape(api):
    for method, url in [("get", "/api/v1/applications"), ("post", "/api/v1/applications"),
                        ("get", "/api/v1/associations"), ("get", "/api/v1/facilities"),
                        ("get", "/api/v1/members/me"), ("get", "/api/v1/tasks"),
                        ("get", "/api/v1/process-definitions")]:
        r = getattr(api(), method)(url)
        assert r.status_code == 401, url
        body = r.get_json()
        assert body["error"]["code"] == "unauthorized" and body["error"]["message"] == "ログインしてください。"


def test_enrolment_is_filed_with_parts_bottom_up(enrolled):
    client, app = enrolled
    assert app["kind"] == "enrolment" and app["status"] == "in_review"
    assert [(p["association"], p["layer"], p["action"], p["status"]) for p in app["parts"]] == [
        ("chuoeast", 4, "join", "in_review"), ("sapporo", 3, "join", "pending"),
        ("hokkaido", 2, "join", "pending"), ("jma", 1, "join", "pending")]
    assert client.get(f"/api/v1/applications/{app['id']}").get_json()["id"] == app["id"]
    assert [a["id"] for a in client.get("/api/v1/applications").get_json()] == [app["id"]]


@pytest.mark.parametrize("patch, field", [
    ({"associations": [{"code": "chuoeast", "category": "A-1"}, {"code": "tokyo", "category": "A"}]},
     "associations"),
    ({"associations": [{"code": "chuoeast", "category": "X9"}]}, "associations[0].category"),
    ({"associations": [{"code": "hoken_kenkyu", "category": "A"}]}, "associations[0].code"),  # an external body
    ({"desired_date": "2001-04-01"}, "desired_date"),
    ({"desired_date": None}, "desired_date"),
    ({"facility_id": 987654}, "facility_id"),
    ({"kind": "lottery"}, "kind"),
])
def test_bad_input_is_422_with_japanese_field_errors_and_nothing_stored(api, session, patch, field):
    member = new_member(session)
    before = session.scalar(sa.select(sa.func.count()).select_from(Application))
    body = {k: v for k, v in {**enrolment_body(), **patch}.items() if v is not None}
    r = api(member.login_id).post("/api/v1/applications", json=body)
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in error["fields"][field])
    assert session.scalar(sa.select(sa.func.count()).select_from(Application)) == before


def test_malformed_json_is_400_not_500(api, session):
    member = new_member(session)
    r = api(member.login_id).post("/api/v1/applications", data="{nope", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "bad_request"


def test_english_messages_on_request(api, session):
    member = new_member(session)
    client = api(member.login_id)
    r = client.client.post("/api/v1/applications?lang=en", headers=client.headers,
                           json={**enrolment_body(), "desired_date": "2001-04-01"})
    assert r.get_json()["error"]["fields"]["desired_date"] == "Desired date must be today or later."


def test_an_account_using_english_is_answered_in_english_unless_a_request_asks_otherwise(api, session):
    from membership.models import UserAccount

    member = new_member(session)
    session.get(UserAccount, member.user_id).lang = "en"
    session.commit()
    client = api(member.login_id)
    body = {**enrolment_body(), "desired_date": "2001-04-01"}
    r = client.post("/api/v1/applications", json=body)
    assert r.get_json()["error"]["fields"]["desired_date"] == "Desired date must be today or later."
    r = client.post("/api/v1/applications", json=body, headers={"Accept-Language": "ja"})
    assert r.get_json()["error"]["fields"]["desired_date"] == "入会希望年月日は本日以降の日付を入力してください。"
    r = client.client.post("/api/v1/applications?lang=ja", headers=client.headers, json=body)
    assert r.get_json()["error"]["fields"]["desired_date"].startswith("入会希望年月日")


def test_a_wrong_typed_field_is_named_as_the_kind_of_application_names_it(api, session):
    member = new_member(session)
    r = api(member.login_id).post("/api/v1/applications", json={"kind": "withdrawal", "desired_date": 123})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["desired_date"] == "退会希望年月日の形式が正しくありません。"
    r = api(member.login_id).post("/api/v1/applications", json={"kind": ["withdrawal"], "desired_date": 123})
    assert r.get_json()["error"]["fields"]["desired_date"] == "入会希望年月日の形式が正しくありません。"  # no kind


def test_another_member_cannot_see_or_cancel_the_application(api, session, enrolled):
    _, app = enrolled
    other = api(new_member(session).login_id)
    assert other.get(f"/api/v1/applications/{app['id']}").status_code == 404
    assert other.post(f"/api/v1/applications/{app['id']}/cancel").status_code == 404
    assert other.get("/api/v1/applications").get_json() == []


def test_cancel_while_pending_stops_the_review(api, enrolled):
    client, app = enrolled
    r = client.post(f"/api/v1/applications/{app['id']}/cancel")
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"
    assert {p["status"] for p in r.get_json()["parts"]} == {"cancelled"}
    open_tasks = api("staff@chuoeast").get("/api/v1/tasks").get_json()
    assert [t for t in open_tasks if t["application_id"] == app["id"]] == []
    again = client.post(f"/api/v1/applications/{app['id']}/cancel")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_cancelling_an_enrolment_an_association_approved_keeps_that_membership(app, api, session, enrolled):
    """The membership began on approval: 削除 cancels joining the associations still to decide, and
    says — on the page before, and after — that the approved one stands (it ends by a withdrawal,
    which the member can then file: nothing is pending on the group any more)."""
    from membership.models import UserAccount

    from ..helpers import future, login_client

    client, filed = enrolled
    staff = api("staff@chuoeast")
    [task] = [t for t in staff.get("/api/v1/tasks").get_json() if t["application_id"] == filed["id"]]
    assert staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 200
    member = session.get(UserAccount, session.get(Application, filed["id"]).applicant_user_id)
    browser = login_client(app, member.login_id)
    page = browser.get(f"/mypage/applications/{filed['id']}").get_data(as_text=True)
    assert 'id="kept-on-cancel"' in page and "中央区東支部" in page.split('id="kept-on-cancel"', 1)[1][:300]
    r = browser.post(f"/mypage/applications/{filed['id']}/cancel", follow_redirects=True)
    assert "承認済みの医師会（中央区東支部）の会員資格は続きます" in r.get_data(as_text=True)
    answer = client.get(f"/api/v1/applications/{filed['id']}").get_json()
    assert answer["status"] == "cancelled"
    assert [(p["association"], p["status"]) for p in answer["parts"]][:2] == [("chuoeast", "approved"),
                                                                             ("sapporo", "cancelled")]
    held = client.get("/api/v1/members/me").get_json()["memberships"]
    assert [(m["association"], m["status"]) for m in held] == [("chuoeast", "active")]
    r = client.post("/api/v1/applications", json={"kind": "withdrawal", "group_id": held[0]["group"],
                                                  "associations": ["chuoeast"], "desired_date": future(),
                                                  "reason": "retirement"})
    assert r.status_code == 201, r.get_json()


def test_a_membership_from_a_date_ahead_stands_as_upcoming(api, session):
    """Approved from next month: stored active, but the member is not one yet — `standing` says
    upcoming (入会予定), as the screens and the office's list do."""
    from ..helpers import approved_member

    member, _ = approved_member(session, chain=[("otaru", "A-1")], prefix="upc", begun=False)
    [m] = api(member.login_id).get("/api/v1/members/me").get_json()["memberships"]
    assert (m["status"], m["standing"]) == ("active", "upcoming")


def test_members_me_shows_active_memberships(api):
    me = api("nichiitaro").get("/api/v1/members/me").get_json()
    assert me["login_id"] == "nichiitaro"
    assert [(m["association"], m["layer"], m["status"], m["standing"]) for m in me["memberships"]] == [
        ("otaru", 3, "active", "active"), ("hokkaido", 2, "active", "active"), ("jma", 1, "active", "active")]
    history = api("nichiitaro").get("/api/v1/members/me/history").get_json()
    assert {h["association"] for h in history} == {"otaru", "hokkaido", "jma"}


def test_staff_who_filed_for_a_member_cannot_cancel_it_through_the_api(api, session):
    """Cancelling is the applicant's: a secretariat (even the one that filed it on the member's
    behalf) is refused as outside its rights (403), and the application stays under review."""
    from ..helpers import approved_member, future

    member, group_id = approved_member(session, prefix="cnl")
    staff = api("staff@chuoeast")
    r = staff.post("/api/v1/applications", json={
        "kind": "withdrawal", "associations": ["chuoeast"], "reason": "death", "desired_date": future(0),
        "on_behalf_of": member.login_id})
    assert r.status_code == 201, r.get_json()
    r = staff.post(f"/api/v1/applications/{r.get_json()['id']}/cancel")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert "申請者ご本人" in r.get_json()["error"]["message"]


def test_an_office_files_for_a_member_only_what_concerns_itself(api, session):
    """Filing for a member puts their data before every association the application names: an
    office may do it only for an application that includes itself (a paper form it received)."""
    from ..helpers import approved_member, enrolment_body

    member, _ = approved_member(session, prefix="obh")
    staff = api("staff@chuoeast")
    r = staff.post("/api/v1/applications", json={**enrolment_body([("bunkyo", "A-1")]),
                                                  "on_behalf_of": member.login_id})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["associations"].startswith("代理で申請できるのは、この医師会か")
    assert api("staff@bunkyo").get(f"/api/v1/members/{member.physician_id}").status_code == 404  # still unseen
    assert not session.scalars(sa.select(Application).where(
        Application.physician_id == member.physician_id, Application.kind == "enrolment",
        Application.status == "submitted")).all()


def test_a_former_member_is_read_not_acted_for(app, session):
    """An office keeps its records of former members but can no longer edit their data, file for
    them or enter their credits."""
    from membership import memberships
    from membership.models import Membership

    from ..conftest import actor_for
    from ..helpers import approved_member, login_client

    member, _ = approved_member(session, prefix="fmr")
    for m in session.scalars(sa.select(Membership).where(Membership.physician_id == member.physician_id)
                             .order_by(Membership.layer.desc())):  # left, as an applied withdrawal leaves them
        memberships.end_membership(session, actor_for(session, "admin001"), m, m.since, None)
    session.flush()
    office = login_client(app, "staff@sapporo")
    page = office.get(f"/members/{member.physician_id}")
    assert page.status_code == 200 and 'id="not-acting"' in page.get_data(as_text=True)
    assert "登録情報を変更する" not in page.get_data(as_text=True)
    assert office.get(f"/members/{member.physician_id}/profile").status_code == 403
    assert office.post(f"/members/{member.physician_id}/credentials").status_code == 403
    assert office.get(f"/members/{member.physician_id}/certification").status_code in (403, 404)


def test_a_chain_ending_at_jma_does_not_open_another_prefecture_to_an_office(api, session):
    """JMA (or a prefecture) is in every office's line: what decides is where the member would
    belong locally — the application's lowest association."""
    from ..helpers import enrolment_body

    applicant = new_member(session, prefix="fed")
    file = api(applicant.login_id).post("/api/v1/applications", json=enrolment_body([("otaru", "A-1")]))
    assert file.status_code == 201  # an applicant to 小樽: 小樽 may act for them
    r = api("staff@otaru").post("/api/v1/applications", json={
        **enrolment_body([("bunkyo", "A-1"), ("tokyo", "A"), ("jma", "A1")]), "on_behalf_of": applicant.login_id})
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["associations"].startswith("代理で申請できるのは")
    r = api("staff@otaru").post("/api/v1/applications", json={
        **enrolment_body([("sapmed", "A-1"), ("hokkaido", "A")]), "on_behalf_of": applicant.login_id})
    assert r.status_code == 422  # another district of the same prefecture: not 小樽's to file
    assert r.get_json()["error"]["fields"]["associations"].startswith("代理で申請できるのは")


def test_a_cancel_sent_after_a_layer_approved_unseen_asks_again_and_changes_nothing(app, api, session, enrolled):
    """The page said which memberships would stand; a layer that approved after it was opened
    makes the cancel come back to the page with that said (screen), or 409 (API with what it saw)."""
    from membership.models import UserAccount

    from ..helpers import login_client

    client, filed = enrolled
    member = session.get(UserAccount, session.get(Application, filed["id"]).applicant_user_id)
    browser = login_client(app, member.login_id)
    page = browser.get(f"/mypage/applications/{filed['id']}").get_data(as_text=True)
    assert 'name="approved" value=""' in page  # nothing approved as the member reads it
    staff = api("staff@chuoeast")
    [task] = [t for t in staff.get("/api/v1/tasks").get_json() if t["application_id"] == filed["id"]]
    assert staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 200
    r = browser.post(f"/mypage/applications/{filed['id']}/cancel", data={"approved": ""}, follow_redirects=True)
    assert "中央区東支部が承認しました" in r.get_data(as_text=True)
    assert client.get(f"/api/v1/applications/{filed['id']}").get_json()["status"] == "in_review"
    r = client.post(f"/api/v1/applications/{filed['id']}/cancel", json={"approved_parts": []})
    assert r.status_code == 409 and "中央区東支部" in r.get_json()["error"]["message"]
    assert client.post(f"/api/v1/applications/{filed['id']}/cancel", json={"approved_parts": [1]}).status_code == 422
    broken = client.post(f"/api/v1/applications/{filed['id']}/cancel", data='{"approved_parts": [',
                         content_type="application/json")  # the check it meant is not silently dropped
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "bad_request"
    approved = [p["association"] for p in client.get(f"/api/v1/applications/{filed['id']}").get_json()["parts"]
                if p["status"] == "approved"]
    r = client.post(f"/api/v1/applications/{filed['id']}/cancel", json={"approved_parts": approved})
    assert r.status_code == 200 and r.get_json()["status"] == "cancelled"


def test_a_fee_reduction_is_filed_through_the_api_and_checked_as_on_the_screen(api, session):
    """The API takes a fee reduction's fields (it answered 「想定外の項目です」 to fiscal_year) and
    refuses a reason the decision table rules out, naming it, as the screen does."""
    from membership import fee_reductions
    from membership.models import Physician

    from ..helpers import approved_member

    member, group_id = approved_member(session, chain=[("otaru", "A-1")], prefix="apf")
    session.get(Physician, member.physician_id).graduated_on = "1999-03"
    session.flush()
    client = api(member.login_id)
    year = str(fee_reductions.fiscal_year(fee_reductions.today_jst()))
    body = {"kind": "fee_reduction", "group_id": group_id, "fiscal_year": year}
    r = client.post("/api/v1/applications", json={**body, "reason": "graduation"})
    assert r.status_code == 422 and "卒後5年以内" in r.get_json()["error"]["fields"]["reason"]
    r = client.post("/api/v1/applications", json={**body, "reason": "illness", "note": "療養中"})
    assert r.status_code == 201 and r.get_json()["kind"] == "fee_reduction"
