"""The withdrawal screens (退会届) and API: retention, the cascade shown, confirm, My Page with
修正 and 削除 while pending, the reviewing layers seeing the amendment, and the API path."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from engine import tasks
from membership.fields import today_jst
from membership.models import Application, Notification

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def full_member(s):
    return approved_member(s, prefix="wd")


def test_withdrawal_through_the_screens_with_the_cascade_shown(app, session):
    member, group_id = full_member(session)
    client = login(app, member.login_id)
    assert "/apply/withdrawal" in text(client.get("/mypage/"))
    page = text(client.get("/apply/withdrawal"))
    assert "日本医師会医師賠償責任保険に加入できます。" in page and "入会を継続する" in page
    assert "本当に退会しますか？" in text(client.get("/apply/withdrawal/sure"))
    page = text(client.get("/apply/withdrawal/form"))
    assert f'value="{group_id}:sapporo"' in page and "同時に退会" in page and "北海道医師会・日本医師会" in page

    r = client.post("/apply/withdrawal/form", data={"leave": f"{group_id}:sapporo", "desired_date": "2001/01/01",
                                                    "reason": "other"})
    assert r.status_code == 422
    assert "退会希望年月日は本日以降の日付を入力してください。" in text(r)
    assert "退会事由（その他）を入力してください。" in text(r)
    r = client.post("/apply/withdrawal/form", data={"leave": "999999:sapporo", "desired_date": today_jst().isoformat(),
                                                    "reason": "retirement"})
    assert r.status_code == 422 and "ご自身が会員であるグループだけ" in text(r)

    date = (today_jst() + dt.timedelta(days=20)).strftime("%Y/%m/%d")
    r = client.post("/apply/withdrawal/form", data={"leave": f"{group_id}:sapporo", "desired_date": date,
                                                    "reason": "other",
                                                    "reason_text": "海外へ転居のため"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/withdrawal/confirm")
    page = text(client.get("/apply/withdrawal/confirm"))
    leaving = re.search(r'<ul id="leaving">(.*?)</ul>', page, re.S).group(1)
    assert leaving.index("札幌市医師会") < leaving.index("北海道医師会") < leaving.index("日本医師会")
    assert "中央区東支部" not in leaving and "同時退会" in leaving and date in page and "海外へ転居のため" in page
    r = client.post("/apply/withdrawal/confirm")
    assert r.status_code == 302
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "退会の申請を受付けました" in text(client.get(r.headers["Location"]))
    mailed = sa.select(Notification.body).where(Notification.subject == "【MAMIS】退会届を受け付けました")
    assert "札幌市医師会" in session.scalar(mailed.order_by(Notification.id.desc()).limit(1))
    page = text(client.get("/mypage/"))
    card = re.search(rf'<article class="card application" id="application-{app_id}">(.*?)</article>', page, re.S)
    assert "退会届" in card.group(1) and "申請中" in card.group(1)
    # each part names the category being left
    for left in ("[3層] 札幌市医師会</td><td>A-1</td>", "[1層] 日本医師会</td><td>A①</td>"):
        assert left in card.group(1)
    assert f"/apply/withdrawal/{app_id}/amend" in card.group(1) and "削除" in card.group(1)
    held = {re.sub(r"<[^>]+>", "", row.split("</td>")[0]): row
            for row in page.split('id="memberships-title"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]}
    for leaving in ("[3層] 札幌市医師会", "[2層] 北海道医師会", "[1層] 日本医師会"):
        assert "退会申請中" in held[leaving]
    assert "退会" not in held["[4層] 中央区東支部"]  # the district stays
    office = text(login(app, "staff@sapporo").get(f"/members/{member.physician_id}"))  # the office sees it too
    assert re.search(r"札幌市医師会</td><td>[^<]*</td><td>[^<]*（退会申請中）</td>", office)
    card = text(client.get("/mypage/card"))  # the member card says so too
    assert card.count("退会申請中") == 3
    physician_page = f'href="/members/{member.physician_id}"'
    for code, says in (("sapporo", True), ("chuoeast", False)):  # and its member list; the district's does not
        listed = text(login(app, f"staff@{code}").get("/members?q=" + member.login_id))
        row = listed.split(physician_page, 1)[1].split("</tr>", 1)[0]
        assert ("（退会申請中）" in row) is says, code

    # 修正 while pending: the reviewing layer sees that it was amended
    new_date = (today_jst() + dt.timedelta(days=40)).isoformat()
    r = client.post(f"/apply/withdrawal/{app_id}/amend", data={"desired_date": new_date,
                                                               "reason": "retirement"})
    assert r.status_code == 302, text(r)
    session.expire_all()
    assert session.get(Application, app_id).desired_date.isoformat() == new_date
    staff = login(app, "staff@sapporo")
    task = open_task_for(session, actor_for(session, "staff@sapporo"), app_id)
    page = text(staff.get(f"/tasks/{task.id}"))
    assert "申請者が審査中に申請内容を修正しました" in page and "退会届" in page and "廃業・退職" in page
    amended = session.get(Application, app_id).payload["amended_at"]
    from webapp.i18n import local_time

    assert f"（{local_time(amended)}）" in page and "UTC" not in page  # when, in Japan's time
    # the change is mailed: a receipt to the member, a notice to each association left
    shown_date = dt.date.fromisoformat(new_date).strftime("%Y/%m/%d")
    receipt = session.scalars(sa.select(Notification).where(Notification.subject.like("%退会届の修正を受け付けました%"))
                              ).one()
    assert f"→ {shown_date}" in receipt.body
    notices = session.scalars(sa.select(Notification).where(
        Notification.subject.like(f"%退会届の修正のお知らせ%{app_id}%"))).all()
    assert {n.to_address for n in notices} == {"office@sapporo.example.jp", "office@hokkaido.example.jp",
                                               "office@jma.example.jp"}
    assert all(f"→ {shown_date}" in n.body and "審査画面に修正後の内容" in n.body for n in notices)

    # a return: the member's amendment page has the withdrawal's own fields
    staff.post(f"/tasks/{task.id}", data={"decision": "return", "comment": "日付をご確認ください"})
    amend = tasks.list_tasks(session, member, application_id=app_id)[0][0]
    page = text(client.get(f"/tasks/{amend.id}"))
    assert 'name="reason"' in page and 'name="duty_code"' not in page
    assert client.post(f"/apply/withdrawal/{app_id}/amend", data={"desired_date": new_date,
                                                                   "reason": "retirement"}).status_code == 302
    assert "修正できません" in text(client.get(f"/mypage/applications/{app_id}"))  # returned: amend via the task
    r = client.post(f"/tasks/{amend.id}", data={"desired_date": today_jst().isoformat(), "reason": "death"})
    assert r.status_code == 302, text(r)
    session.expire_all()
    assert session.get(Application, app_id).payload["reason"] == "death"

    # 削除 while pending
    r = client.post(f"/mypage/applications/{app_id}/cancel")
    session.expire_all()
    assert session.get(Application, app_id).status == "cancelled"


def test_withdrawal_through_the_api(api, session):
    member, group_id = full_member(session)
    client = api(member.login_id)
    groups = {m["group"] for m in client.get("/api/v1/members/me").get_json()["memberships"]}
    assert group_id in groups
    r = client.post("/api/v1/applications", json={"kind": "withdrawal", "group_id": group_id, "associations": ["jma"],
                                                  "desired_date": "2001-01-01", "reason": "retirement"})
    assert r.status_code == 422 and "desired_date" in r.get_json()["error"]["fields"]
    r = client.post("/api/v1/applications", json={"kind": "withdrawal", "group_id": group_id,
                                                  "associations": ["hokkaido"], "desired_date": today_jst().isoformat(),
                                                  "reason": "retirement"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["kind"] == "withdrawal" and [(p["association"], p["action"]) for p in body["parts"]] == [
        ("hokkaido", "leave"), ("jma", "leave")]
    r = client.post("/api/v1/applications", json={"kind": "withdrawal", "group_id": group_id,
                                                  "associations": ["chuoeast"], "desired_date": today_jst().isoformat(),
                                                  "reason": "retirement"})
    assert r.status_code == 422 and "group_id" in r.get_json()["error"]["fields"]
    for code in ("hokkaido", "jma"):
        staff = api(f"staff@{code}")
        [task] = [t for t in staff.get("/api/v1/tasks").get_json() if t["application_id"] == body["id"]]
        assert task["application_kind"] == "withdrawal"
        assert staff.post(f"/api/v1/tasks/{task['id']}/complete", json={"decision": "approve"}).status_code == 200
    assert client.get(f"/api/v1/applications/{body['id']}").get_json()["status"] == "approved"


def _withdraw_over_api(api, session, code="sapporo", **extra):
    member, group_id = full_member(session)
    client = api(member.login_id)
    body = {"kind": "withdrawal", "group_id": group_id, "associations": [code],
            "desired_date": today_jst().isoformat(), "reason": "retirement", **extra}
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.get_json()
    return member, client, r.get_json()["id"]


def _task(api, code, app_id):
    rows = [t for t in api(f"staff@{code}").get("/api/v1/tasks").get_json() if t["application_id"] == app_id]
    assert len(rows) == 1, (code, rows)
    return rows[0]["id"]


@pytest.mark.parametrize("rejecting", ["sapporo", "hokkaido", "jma"])
def test_api_rejection_at_each_layer_keeps_every_membership(api, session, rejecting):
    member, client, app_id = _withdraw_over_api(api, session)
    for code in ("sapporo", "hokkaido", "jma"):
        decision = "reject" if code == rejecting else "approve"
        comment = "確認のため" if decision == "reject" else ""
        r = api(f"staff@{code}").post(f"/api/v1/tasks/{_task(api, code, app_id)}/complete",
                                      json={"decision": decision, "comment": comment})
        assert r.status_code == 200, r.get_json()
        if decision == "reject":
            break
    assert client.get(f"/api/v1/applications/{app_id}").get_json()["status"] == "rejected"
    active = [m["association"] for m in client.get("/api/v1/members/me").get_json()["memberships"]
              if m["status"] == "active"]
    assert active == ["chuoeast", "sapporo", "hokkaido", "jma"]


def test_api_return_amend_and_cancel(api, session):
    member, client, app_id = _withdraw_over_api(api, session, code="jma")
    staff = api("staff@jma")
    assert staff.post(f"/api/v1/tasks/{_task(api, 'jma', app_id)}/complete",
                      json={"decision": "return"}).status_code == 422  # a return needs a comment
    assert staff.post(f"/api/v1/tasks/{_task(api, 'jma', app_id)}/complete",
                      json={"decision": "return", "comment": "事由をご記入ください"}).status_code == 200
    [amend] = [t for t in client.get("/api/v1/tasks").get_json() if t["application_id"] == app_id]
    r = client.post(f"/api/v1/tasks/{amend['id']}/complete",
                    json={"changes": {"reason": "other", "reason_text": ""}})
    assert r.status_code == 422 and "reason_text" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/tasks/{amend['id']}/complete",
                    json={"changes": {"reason": "other", "reason_text": "転居のため"}})
    assert r.status_code == 200, r.get_json()
    assert client.post(f"/api/v1/applications/{app_id}/cancel").status_code == 200
    assert client.get(f"/api/v1/applications/{app_id}").get_json()["status"] == "cancelled"
    assert _task_count(api, "jma", app_id) == 0
    email = session.scalar(sa.select(Application).where(Application.id == app_id)).physician.email
    told = session.scalars(sa.select(Notification.subject).where(Notification.to_address == email)).all()
    assert f"【MAMIS】退会届を取り消しました（申請番号 {app_id}）" in told  # the member is told, as for every step


def _task_count(api, code, app_id):
    return len([t for t in api(f"staff@{code}").get("/api/v1/tasks").get_json() if t["application_id"] == app_id])


def test_a_secretariat_files_a_withdrawal_for_a_deceased_member(app, session):
    member, group_id = full_member(session)
    staff = login(app, "staff@sapporo")
    physician_id = member.physician_id
    assert "退会届を代理で作成する" in text(staff.get(f"/members/{physician_id}"))
    assert staff.get("/apply/withdrawal/form").headers["Location"].endswith("/members")  # a member first
    r = staff.post(f"/apply/withdrawal/for/{physician_id}")
    assert r.headers["Location"].endswith("/apply/withdrawal/form")
    page = text(staff.get("/apply/withdrawal/form"))
    assert "会員に代わって申請しています" in page and f'value="{group_id}:chuoeast"' in page
    died = today_jst() - dt.timedelta(days=10)
    r = staff.post("/apply/withdrawal/form", data={  # a past day: for a reason other than death, refused
        "leave": f"{group_id}:chuoeast", "desired_date": died.isoformat(), "reason": "retirement"})
    assert r.status_code == 422 and "退会希望年月日は本日以降" in text(r)
    r = staff.post("/apply/withdrawal/form", data={  # more than a year back: a typing slip
        "leave": f"{group_id}:chuoeast", "desired_date": (died - dt.timedelta(days=400)).isoformat(),
        "reason": "death"})
    assert r.status_code == 422 and "以降の日付にしてください" in text(r)
    r = staff.post("/apply/withdrawal/form", data={  # the day of death is never ahead
        "leave": f"{group_id}:chuoeast", "desired_date": (today_jst() + dt.timedelta(days=3)).isoformat(),
        "reason": "death"})
    assert r.status_code == 422 and f"退会希望年月日は{today_jst():%Y/%m/%d}までの日付" in text(r)
    r = staff.post("/apply/withdrawal/form", data={  # the day of death, filed afterwards (seed 001)
        "leave": f"{group_id}:chuoeast", "desired_date": died.isoformat(), "reason": "death"})
    assert r.status_code == 302, text(r)
    assert "会員に代わって申請しています" in text(staff.get("/apply/withdrawal/confirm"))
    r = staff.post("/apply/withdrawal/confirm")
    assert r.headers["Location"].endswith(f"/members/{physician_id}")
    filed = session.scalar(sa.select(Application).where(Application.physician_id == physician_id,
                                                        Application.kind == "withdrawal"))
    assert filed.applicant_user_id == member.user_id and filed.filed_by_user_id != member.user_id
    assert filed.payload["reason"] == "death" and [p.association.code for p in filed.parts] == [
        "chuoeast", "sapporo", "hokkaido", "jma"]
    assert filed.desired_date == died
    # four-eyes: the staff user who filed it cannot approve it when it reaches their office
    district = actor_for(session, "staff@chuoeast")
    tasks.complete_task(session, district, open_task_for(session, district, filed.id).id, "approve")
    city_task = open_task_for(session, actor_for(session, "staff@sapporo"), filed.id)
    assert "ご自身が申請者（または代理で申請した）の申請は承認できません" in text(staff.get(f"/tasks/{city_task.id}"))
    other_office = login(app, "staff@otaru")
    assert other_office.post(f"/apply/withdrawal/for/{physician_id}").status_code == 404  # not its member
    # filed: the form says why no second one can be, naming the application
    staff.post(f"/apply/withdrawal/for/{physician_id}")
    again = text(staff.get("/apply/withdrawal/form"))
    assert 'id="change-pending"' in again and f"申請番号 {filed.id}" in again
    # an applicant to the office, not yet its member: no withdrawal to file for them, so no button
    from ..conftest import new_member
    from ..helpers import file_enrolment

    applicant = file_enrolment(session, new_member(session, prefix="wdx"))
    session.flush()
    page = text(login(app, "staff@chuoeast").get(f"/members/{applicant.physician_id}"))
    assert "入会届を代理で作成する" in page and "退会届を代理で作成する" not in page


def test_the_withdrawal_and_transfer_screens_speak_english_too(app, session):
    member, _ = full_member(session)
    client = login(app, member.login_id)
    page = text(client.get("/apply/withdrawal?lang=en"))
    assert "Stay a member" in page and "入会を継続する" not in page
    assert "File this when a new workplace" in text(client.get("/apply/transfer"))
    r = client.post("/apply/withdrawal/form", data={"leave": "", "desired_date": "", "reason": ""})
    assert r.status_code == 422 and "is required" in text(r)


def test_a_cancelled_application_moves_to_past_applications_after_a_month(app, session):
    from ..conftest import new_member
    from ..helpers import file_enrolment

    member = new_member(session, prefix="past")
    filed = file_enrolment(session, member)
    session.flush()
    client = login(app, member.login_id)
    assert "data-confirm=" in text(client.get(f"/mypage/applications/{filed.id}"))  # 取り消す asks first
    r = client.post(f"/mypage/applications/{filed.id}/cancel")
    assert r.status_code == 302
    page = text(client.get("/mypage/"))
    assert f'id="application-{filed.id}"' in page and 'id="older-applications"' not in page  # recent: still shown
    session.expire_all()
    session.get(Application, filed.id).decided_at -= dt.timedelta(days=31)
    session.flush()
    page = text(client.get("/mypage/"))
    assert f'id="application-{filed.id}"' not in page and "過去の申請（1件）" in page
    listing = text(client.get("/mypage/applications"))
    assert f"/mypage/applications/{filed.id}" in listing and "取消" in listing


def test_no_additional_enrolment_is_offered_beside_a_pending_change_of_the_group(app, session):
    from engine import flows

    member, group_id = approved_member(session, chain=[("otaru", "A-1")], prefix="busy")
    client = login(app, member.login_id)
    assert f"/apply/enrolment/additional/{group_id}" in text(client.get("/mypage/"))
    flows.submit_application(session, member, {"kind": "withdrawal", "group_id": group_id, "associations": ["otaru"],
                                               "desired_date": today_jst().isoformat(),
                                               "reason": "retirement"})
    session.flush()
    assert f"/apply/enrolment/additional/{group_id}" not in text(client.get("/mypage/"))


def test_a_reason_in_the_members_own_words_is_shown_beside_the_translated_reason(app, api, session):
    member, client, app_id = _withdraw_over_api(api, session, reason="other", reason_text="家族の介護のため")
    page = text(login(app, member.login_id).get(f"/mypage/applications/{app_id}?lang=en"))
    assert "Other (家族の介護のため)" in page and "その他" not in page
    japanese = text(login(app, member.login_id).get(f"/mypage/applications/{app_id}?lang=ja"))
    assert "その他（家族の介護のため）" in japanese


def test_the_first_screen_says_when_there_is_nothing_to_file(app, api, session):
    """A member whose only membership is already changing under review is told so before the
    retention screen and the form (not only on submit); a non-member is told a withdrawal is not
    needed; the transfer form says the same."""
    from ..conftest import new_member

    outsider = new_member(session, prefix="nmw")
    page = text(login(app, outsider.login_id).get("/apply/withdrawal"))
    assert 'id="no-membership"' in page and "退会する" not in page
    member, client, app_id = _withdraw_over_api(api, session)
    page = text(login(app, member.login_id).get("/apply/withdrawal"))
    assert 'id="change-pending"' in page and f'href="/mypage/applications/{app_id}"' in page
    assert "/apply/withdrawal/sure" not in page
    page = text(login(app, member.login_id).get("/apply/transfer"))
    assert 'id="change-pending"' in page and 'name="group_id"' not in page


def test_a_withdrawal_changed_after_a_layer_approved_goes_back_to_that_layer(api, session):
    """A layer approved the withdrawal for one date; the member changes the date: that layer reviews
    it again after the review under way (told so by mail), and the withdrawal is approved only once
    every layer approved the date it will take."""
    member, group_id = full_member(session)
    client = api(member.login_id)
    first = (today_jst() + dt.timedelta(days=60)).isoformat()
    r = client.post("/api/v1/applications", json={"kind": "withdrawal", "group_id": group_id,
                                                  "associations": ["sapporo"], "desired_date": first,
                                                  "reason": "retirement"})
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]

    def decide(code):
        staff = api(f"staff@{code}")
        [task] = [t for t in staff.get("/api/v1/tasks").get_json() if t["application_id"] == app_id]
        assert staff.post(f"/api/v1/tasks/{task['id']}/complete",
                          json={"decision": "approve", "comment": "確認済み"}).status_code == 200

    def parts():
        return {p["association"]: p["status"] for p in client.get(f"/api/v1/applications/{app_id}").get_json()["parts"]}

    decide("sapporo")
    later = (today_jst() + dt.timedelta(days=20)).isoformat()
    from engine import flows

    flows.amend_pending(session, member, app_id, {"desired_date": later, "reason": "retirement"})  # 修正
    session.flush()
    assert parts() == {"sapporo": "pending", "hokkaido": "in_review", "jma": "pending"}
    from membership.models import ApplicationPart

    reopened = next(p for p in session.scalars(sa.select(ApplicationPart).where(
        ApplicationPart.application_id == app_id)) if p.association.code == "sapporo")
    assert (reopened.comment, reopened.decided_at) == ("", None)  # the earlier approval is history now
    [notice] = session.scalars(sa.select(Notification).where(
        Notification.to_address == "office@sapporo.example.jp",
        Notification.subject.like(f"%退会届の修正のお知らせ%{app_id}%"))).all()
    assert "改めて審査をお願いします" in notice.body
    decide("hokkaido")
    assert parts() == {"sapporo": "in_review", "hokkaido": "approved", "jma": "pending"}
    decide("sapporo")
    decide("jma")
    answer = client.get(f"/api/v1/applications/{app_id}").get_json()
    assert answer["status"] == "approved" and answer["desired_date"] == later
