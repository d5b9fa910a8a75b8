"""The transfer screen (異動届) and API: choose, confirm with the derived parts, file; errors named."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from engine import tasks
from membership.fields import today_jst
from membership.models import Application, Facility

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def full_member(s):
    return approved_member(s, prefix="mv")


def test_transfer_through_the_screen(app, session):
    member, group_id = full_member(session)
    client = login(app, member.login_id)
    assert "/apply/transfer" in text(client.get("/mypage/"))
    url = "/apply/transfer?pref=北海道&city=札幌市北区"
    page = text(client.get(url))
    assert "北区支部" in page and 'name="group_id"' in page
    assert 'name="category-hokkaido"' not in page  # a move within 北海道 keeps the prefecture: not asked
    assert 'name="category-tokyo"' in text(client.get("/apply/transfer?pref=東京都&city=文京区"))
    north = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    r = client.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2",
                               "facility_id": north, "desired_date": "2001/01/01"})
    assert r.status_code == 422 and "異動年月日は本日以降の日付を入力してください。" in text(r)
    r = client.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "", "facility_id": north,
                               "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d")})
    assert r.status_code == 422 and "異動先の医師会" in text(r)
    r = client.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2", "facility_id": north,
                               "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d")})
    assert r.status_code == 422 and "施設・業務を選択してください。" in text(r)  # the duty at the new facility
    r = client.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2", "facility_id": north,
                               "duty_code": "21", "position": "院長",
                               "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d")})
    assert r.status_code == 302, text(r)
    page = text(client.get("/apply/transfer/confirm"))
    assert "21 開設者または法人の代表者で管理者を兼ねる医師" in page and "院長" in page
    rows = re.search(r'<table class="table" id="transfer-parts">(.*?)</table>', page, re.S).group(1)
    assert rows.index("中央区東支部") < rows.index("北区支部") and "日本医師会" not in rows
    assert "退会" in rows and "入会" in rows and "札幌市医師会" not in rows
    assert 'id="jma-record"' in page  # JMA's membership continues and records the move
    # 戻る shows the form as it was sent: nothing typed or chosen is lost
    back = re.search(r'href="(/apply/transfer\?back=1)"', page).group(1)
    again = text(client.get(back))
    assert 'id="layer4-kitaku" name="layer4" value="kitaku" checked' in again
    assert '<option value="B-2" selected' in again
    assert (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d") in again and "北区ファミリー" in again
    assert f'id="group-{group_id}" name="group_id" value="{group_id}" checked' in again
    assert 'id="duty-21" name="duty_code" value="21" checked' in again and '<option value="院長" selected' in again
    r = client.post("/apply/transfer/confirm")
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "異動届を受け付けました" in text(client.get(r.headers["Location"]))
    filed = session.get(Application, app_id)
    assert (filed.kind, filed.duty_code, filed.position) == ("transfer", "21", "院長")
    assert "院長" in text(client.get(f"/mypage/applications/{app_id}"))
    mypage = text(client.get("/mypage/"))
    assert "異動届 #" in mypage
    # the memberships it leaves say the member is moving, not leaving (My Page, the card, the office)
    assert "（異動申請中）" in mypage and "退会申請中" not in mypage
    assert "異動申請中" in text(client.get("/mypage/card"))
    assert "（異動申請中）" in text(login(app, "staff@chuoeast").get("/members"))
    staff = login(app, "staff@chuoeast")
    task = open_task_for(session, actor_for(session, "staff@chuoeast"), app_id)
    assert "異動届" in text(staff.get(f"/tasks/{task.id}"))


def test_a_move_to_home_membership_through_the_screen(app, session):
    """自宅会員 (no workplace) is chosen on the form like a facility; no duty is asked; the confirm
    page and the application say so."""
    member, group_id = full_member(session)
    client = login(app, member.login_id)
    url = "/apply/transfer?pref=北海道&city=札幌市北区"
    assert 'id="facility-home" name="facility_id" value="home"' in text(client.get(url))
    r = client.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2",
                               "facility_id": "home", "duty_code": "11", "position": "院長",
                               "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d")})
    assert r.status_code == 302, text(r)
    confirm = text(client.get("/apply/transfer/confirm"))
    # a duty and position chosen all the same are not filed for a home member, and the page says so
    assert "自宅会員（勤務先がない）" in confirm and confirm.count("—（自宅会員のため対象外）") == 2
    r = client.post("/apply/transfer/confirm")
    filed = session.get(Application, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert filed.facility_id is None and filed.payload["facility_mode"] == "home" and filed.duty_code == ""
    assert "自宅会員" in text(client.get(f"/mypage/applications/{filed.id}"))


def test_transfer_through_the_api(api, session):
    member, group_id = full_member(session)
    client = api(member.login_id)
    tokyo_clinic = session.scalar(sa.select(Facility.id).where(Facility.name.contains("文京本郷")))
    body = {"kind": "transfer", "group_id": group_id, "facility_id": tokyo_clinic, "duty_code": "11",
            "desired_date": today_jst().isoformat(), "associations": [{"code": "bunkyo", "category": "A-1"}]}
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 422 and "associations" in r.get_json()["error"]["fields"]
    body["associations"].append({"code": "tokyo", "category": "A"})
    r = client.post("/api/v1/applications", json=body)
    assert r.status_code == 201, r.get_json()
    assert [(p["association"], p["action"]) for p in r.get_json()["parts"]] == [
        ("chuoeast", "leave"), ("sapporo", "leave"), ("bunkyo", "join"), ("hokkaido", "leave"), ("tokyo", "join")]


def test_a_returned_transfer_is_amended_with_its_own_fields(app, session):
    member, group_id = full_member(session)
    north = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    from engine import flows

    filed = flows.submit_application(session, member, {
        "kind": "transfer", "group_id": group_id, "facility_id": north, "duty_code": "11",
        "desired_date": today_jst().isoformat(),
        "associations": [{"code": "kitaku", "category": "B-2"}]})
    staff = actor_for(session, "staff@chuoeast")
    tasks.complete_task(session, staff, open_task_for(session, staff, filed.id).id, "return", "日付をご確認ください")
    amend = tasks.list_tasks(session, member, application_id=filed.id)[0][0]
    client = login(app, member.login_id)
    page = text(client.get(f"/tasks/{amend.id}"))
    assert "異動年月日" in page and 'id="duty-11" name="duty_code" value="11" checked' in page
    later = (today_jst() + dt.timedelta(days=10)).isoformat()
    r = client.post(f"/tasks/{amend.id}", data={"desired_date": later, "facility_id": str(north), "duty_code": "32"})
    assert r.status_code == 302, text(r)
    session.expire_all()
    amended = session.get(Application, filed.id)
    assert (amended.desired_date.isoformat(), amended.duty_code) == (later, "32")


def test_a_secretariat_files_a_transfer_for_a_member(app, session):
    member, group_id = full_member(session)
    staff = login(app, "staff@chuoeast")
    assert "異動届を代理で作成する" in text(staff.get(f"/members/{member.physician_id}"))
    assert staff.get("/apply/transfer").headers["Location"].endswith("/members")
    assert staff.post(f"/apply/transfer/for/{member.physician_id}").headers["Location"].endswith("/apply/transfer")
    url = "/apply/transfer?pref=北海道&city=札幌市北区"
    page = text(staff.get(url))
    assert "会員に代わって申請しています" in page and f'value="{group_id}"' in page
    north = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    r = staff.post(url, data={"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2", "facility_id": north,
                              "duty_code": "11",
                              "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d")})
    assert r.status_code == 302, text(r)
    assert "会員に代わって申請しています" in text(staff.get("/apply/transfer/confirm"))
    r = staff.post("/apply/transfer/confirm")
    assert r.headers["Location"].endswith(f"/members/{member.physician_id}")
    filed = session.scalar(sa.select(Application).where(Application.physician_id == member.physician_id,
                                                        Application.kind == "transfer"))
    assert filed.applicant_user_id == member.user_id and filed.filed_by_user_id != member.user_id
    assert login(app, "staff@otaru").post(f"/apply/transfer/for/{member.physician_id}").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200
URL = "/apply/transfer?pref=北海道&city=札幌市北区"


def _form(session, group_id, **extra):
    north = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    return {"group_id": group_id, "layer4": "kitaku", "category-kitaku": "B-2", "facility_id": north,
            "duty_code": "21", "desired_date": (today_jst() + dt.timedelta(days=7)).strftime("%Y/%m/%d"), **extra}


def _confirm(client, action, *files):
    import io

    data = {"action": action, **{f"file-{code}": [(io.BytesIO(body), name)] for code, name, body in files}}
    return client.post("/apply/transfer/confirm", data=data, content_type="multipart/form-data")


def test_a_transfer_is_kept_for_later_and_resumed_from_my_page(app, session):
    from membership.models import ApplicationDraft

    member, group_id = full_member(session)
    client = login(app, member.login_id)
    # 一時保存 on the form keeps what was typed, unchecked (no date yet)
    r = client.post(URL, data={**_form(session, group_id, desired_date=""), "action": "save_draft"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/mypage/")
    page = text(client.get("/mypage/"))
    draft = session.scalar(sa.select(ApplicationDraft).where(ApplicationDraft.applicant_user_id == member.user_id))
    assert (draft.kind, draft.step) == ("transfer", "form") and "異動届 —" in page
    # My Page's link resumes it: the form as it was left
    r = client.get(f"/apply/enrolment/drafts/{draft.id}")
    r = client.get(r.headers["Location"])
    assert r.status_code == 302
    again = text(client.get(r.headers["Location"]))
    assert 'id="layer4-kitaku" name="layer4" value="kitaku" checked' in again
    assert 'id="duty-21" name="duty_code" value="21" checked' in again and "北区ファミリー" in again
    # completed and sent, the same draft moves on to the confirm step
    assert client.post(URL, data=_form(session, group_id)).status_code == 302
    session.expire_all()
    assert session.get(ApplicationDraft, draft.id).step == "confirm"
    assert client.post("/apply/transfer/confirm", data={"action": "submit"}).status_code == 302
    gone = session.scalar(sa.select(sa.func.count()).select_from(ApplicationDraft)
                          .where(ApplicationDraft.id == draft.id))
    assert gone == 0  # filed: the draft is gone


def test_documents_for_the_associations_concerned_go_with_the_transfer(app, session):
    from membership import uploads
    from membership.models import Document

    member, group_id = full_member(session)
    client = login(app, member.login_id)
    assert client.post(URL, data=_form(session, group_id)).status_code == 302
    page = text(client.get("/apply/transfer/confirm"))
    # every association concerned may be sent documents: the one left and the one joined
    assert 'name="file-kitaku"' in page and 'name="file-chuoeast"' in page and 'name="file-sapporo"' not in page
    before = session.scalar(sa.select(sa.func.count()).select_from(Document))
    r = _confirm(client, "upload", ("kitaku", "入会申込書.pdf", PDF), ("chuoeast", "setup.pdf", EXE))
    assert r.status_code == 422 and "setup.pdf" in text(r)
    assert session.scalar(sa.select(sa.func.count()).select_from(Document)) == before  # neither is kept
    r = _confirm(client, "upload", ("kitaku", "入会申込書.pdf", PDF), ("chuoeast", "退会届.pdf", PDF))
    assert r.status_code == 302
    page = text(client.get("/apply/transfer/confirm"))
    assert "入会申込書.pdf" in page and "退会届.pdf" in page
    doomed = session.scalar(sa.select(Document.id).where(Document.filename == "退会届.pdf",
                                                        Document.uploaded_by_user_id == member.user_id))
    assert client.post(f"/apply/transfer/documents/{doomed}/delete").status_code == 302
    again = client.post(f"/apply/transfer/documents/{doomed}/delete", follow_redirects=True)  # a second click
    assert again.status_code == 200 and "このファイルはすでに削除されています" in text(again)
    # 一時保存 on the confirm page keeps the files; resumed, the confirm page lists them
    r = _confirm(client, "save_draft")
    assert r.headers["Location"].endswith("/mypage/")
    draft_link = re.search(r'href="(/apply/enrolment/drafts/\d+)"', text(client.get("/mypage/"))).group(1)
    r = client.get(client.get(draft_link).headers["Location"])
    assert r.headers["Location"].endswith("/apply/transfer/confirm")
    page = text(client.get("/apply/transfer/confirm"))
    assert "入会申込書.pdf" in page and "退会届.pdf" not in page
    # filing with one more file chosen: both go with the application, in the same transaction
    r = _confirm(client, "submit", ("kitaku", "勤務証明.pdf", PDF))
    assert r.status_code == 302, text(r)
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert sorted(d.filename for d in uploads.of_application(session, app_id)) == ["入会申込書.pdf", "勤務証明.pdf"]


def test_a_secretariat_resumes_the_transfer_it_kept_for_a_member(app, session):
    member, group_id = full_member(session)
    staff = login(app, "staff@chuoeast")
    staff.post(f"/apply/transfer/for/{member.physician_id}")
    r = staff.post(URL, data={**_form(session, group_id), "action": "save_draft"})
    assert r.headers["Location"].endswith("/members")
    listing = text(staff.get("/members"))
    assert "異動届" in listing
    link = re.search(r'href="(/apply/enrolment/drafts/\d+)"', listing).group(1)
    r = staff.get(staff.get(link).headers["Location"])
    page = text(staff.get(r.headers["Location"]))
    assert "会員に代わって申請しています" in page and 'id="duty-21" name="duty_code" value="21" checked' in page
    assert staff.post(URL, data=_form(session, group_id)).status_code == 302
    r = staff.post("/apply/transfer/confirm", data={"action": "submit"})
    assert r.headers["Location"].endswith(f"/members/{member.physician_id}")
    filed = session.scalar(sa.select(Application).where(Application.physician_id == member.physician_id,
                                                        Application.kind == "transfer"))
    assert filed is not None and filed.filed_by_user_id != filed.applicant_user_id
