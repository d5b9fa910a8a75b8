"""登録情報の変更一覧: an office lists the changes its members made to their registered data."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from membership import profiles
from membership.actors import Actor
from membership.models import AuditEvent, Notification, ProfileChange, UserAccount

from ..helpers import login_client as login
from .test_screens__members import profile_form, taro


def text(r):
    return r.get_data(as_text=True)


def test_an_office_lists_its_members_changes_filters_them_and_exports_them(app, session):
    doctor = taro(session)  # a member of 小樽市医師会, 北海道医師会 and JMA; not of 中央区東支部
    member = login(app, "nichiitaro")
    assert member.post("/mypage/profile", data=profile_form(doctor, address="小樽市稲穂2-22-1")).status_code == 302
    assert member.get("/members/changes").status_code == 403  # a member has no such list

    otaru = login(app, "staff@otaru")
    page = text(otaru.get("/members/changes"))
    row = next(r for r in page.split('id="profile-changes"')[1].split("</tr>") if "<td>住所（番地まで）</td>" in r)
    assert "日医 太郎" in row and "小樽市稲穂2-22-1" in row and "<td>本人</td>" in row
    assert f"/members/{doctor.id}" in row
    assert "小樽市稲穂2-22-1" in text(login(app, "staff@hokkaido").get("/members/changes"))
    assert "小樽市稲穂2-22-1" not in text(login(app, "staff@chuoeast").get("/members/changes"))  # not its member
    # a prefecture walks the history and checks each change's member (it holds most of them): the
    # same list as reading its members first, and another prefecture sees nothing of it
    assert "小樽市稲穂2-22-1" not in text(login(app, "staff@tokyo").get("/members/changes"))
    hokkaido_staff = Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@hokkaido")))
    q = profiles.parse_change_query({})
    walked, listed = (session.execute(profiles._changes_statement(hokkaido_staff, q, walk)).all()
                      for walk in (True, False))
    assert walked == listed and any(r.new_value == "小樽市稲穂2-22-1" for r in walked)

    # by kind of field and by period
    assert "小樽市稲穂2-22-1" in text(otaru.get("/members/changes?group=contact"))
    assert "小樽市稲穂2-22-1" not in text(otaru.get("/members/changes?group=name"))
    assert "小樽市稲穂2-22-1" not in text(otaru.get("/members/changes?date_from=2000-01-01&date_to=2000-12-31"))
    bad = otaru.get("/members/changes?date_from=2030-01-01&date_to=2029-01-01&group=x")
    assert bad.status_code == 422
    assert "変更日（まで）は2030/01/01以降の日付にしてください。" in text(bad) and "項目" in text(bad)

    # a change an office made for the member names the office and its staff member
    assert otaru.post(f"/members/{doctor.id}/profile", data=profile_form(
        doctor, address="小樽市稲穂2-22-1", mobile="090-5555-6666")).status_code == 302
    assert "小樽市医師会（小樽市医師会 事務局）" in text(otaru.get("/members/changes"))
    # another office reads which office made it, not who there
    hokkaido = text(login(app, "staff@hokkaido").get("/members/changes?group=contact"))
    assert "<td>小樽市医師会</td>" in hokkaido and "小樽市医師会 事務局" not in hokkaido

    r = otaru.get("/members/changes.csv?group=contact")
    assert r.status_code == 200
    lines = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert lines[0] == ["変更日時", "医籍登録番号", "氏名", "フリガナ", "項目", "変更前", "変更後", "変更者"]
    assert {(line[2], line[4], line[6], line[7]) for line in lines[1:]} >= {
        ("日医 太郎", "住所（番地まで）", "小樽市稲穂2-22-1", "本人"),
        ("日医 太郎", "TEL（携帯電話番号）", "090-5555-6666", "小樽市医師会（小樽市医師会 事務局）")}
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "profile.changes_export")) == 1
    # the file is the same whoever takes it: Japanese, as every export, though the screen is English
    english = list(csv.reader(io.StringIO(otaru.get("/members/changes.csv?group=contact&lang=en")
                                          .get_data().decode("utf-8-sig"))))
    assert english[0] == lines[0] and english[1:] == lines[1:]


def test_the_list_pages_newest_first(app, session):
    doctor = taro(session)
    member = login(app, "nichiitaro")
    for n in range(3):
        assert member.post("/mypage/profile", data=profile_form(doctor, address=f"小樽市稲穂{n}-1")).status_code == 302
    from membership import profiles
    from membership.actors import Actor
    from membership.models import UserAccount

    staff = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@otaru"))
    first, total, older = profiles.changes_here(session, Actor.of(staff), profiles.parse_change_query({}), per_page=2)
    assert total >= 3 and [r.new_value for r in first] == ["小樽市稲穂2-1", "小樽市稲穂1-1"]
    page2 = text(login(app, "staff@otaru").get(f"/members/changes?before={older}"))
    assert "小樽市稲穂0-1" in page2 and "小樽市稲穂2-1" not in page2.split('id="profile-changes"')[1]


def test_the_morning_digest_counts_members_who_changed_their_data(app, session, business_day):
    from webapp import jobs

    doctor = taro(session)
    otaru = login(app, "staff@otaru")
    # the office's own change is not news to it
    assert otaru.post(f"/members/{doctor.id}/profile", data=profile_form(doctor, mobile="090-7777-8888")
                      ).status_code == 302
    job = app.extensions["celery"].tasks[jobs.daily_digest.name]

    def digest_to(address):
        return session.scalars(sa.select(Notification).where(Notification.to_address == address)
                               .order_by(Notification.id.desc())).first()

    job()
    mail = digest_to("office@otaru.example.jp")
    assert mail is None or "登録情報を変更した会員" not in mail.body
    hokkaido = digest_to("office@hokkaido.example.jp")  # another office's change is
    assert hokkaido is not None and "登録情報を変更した会員: 1名" in hokkaido.body
    assert "/members/changes" in hokkaido.body
    assert session.scalar(sa.select(sa.func.count()).select_from(ProfileChange).where(
        ProfileChange.physician_id == doctor.id)) >= 1


def test_the_api_lists_the_changes_with_the_screens_rules(app, session, api):
    doctor = taro(session)
    assert login(app, "nichiitaro").post("/mypage/profile", data=profile_form(
        doctor, address="小樽市稲穂3-3-3")).status_code == 302
    otaru = api("staff@otaru")
    r = otaru.get("/api/v1/members/changes?group=contact")
    assert r.status_code == 200 and int(r.headers["X-Total-Count"]) >= 1
    change = next(c for c in r.get_json() if c["field"] == "address")
    assert (change["physician_id"], change["new_value"], change["changed_by"]) == (doctor.id, "小樽市稲穂3-3-3",
                                                                                   "member")
    assert doctor.id not in {c["physician_id"] for c in api("staff@chuoeast").get("/api/v1/members/changes").get_json()}
    bad = otaru.get("/api/v1/members/changes?date_from=yesterday")
    assert bad.status_code == 422 and "date_from" in bad.get_data(as_text=True)
    assert api("nichiitaro").get("/api/v1/members/changes").status_code == 403
    assert "/api/v1/members/changes" in otaru.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_member_confirms_the_changes_before_they_are_saved(app, session):
    doctor = taro(session)
    member = login(app, "nichiitaro")
    assert 'name="step" value="confirm"' in text(member.get("/mypage/profile"))
    form = profile_form(doctor, family_name="新姓", mobile="090-1212-3434")
    r = member.post("/mypage/profile", data={**form, "step": "confirm"})
    page = text(r)
    assert r.status_code == 200 and 'id="profile-confirm"' in page
    table = page.split('id="profile-confirm"')[1].split("</table>")[0]
    assert "<td>日医</td><td><strong>新姓</strong></td>" in table and "090-1212-3434" in table
    assert "事務局に届きます" in page  # a change of name is news to the offices
    session.refresh(doctor)
    assert doctor.family_name == "日医"  # nothing written yet
    back = text(member.post("/mypage/profile", data={**form, "step": "back"}))
    assert 'value="新姓"' in back and 'id="profile-confirm"' not in back  # back to the form, as typed
    r = member.post("/mypage/profile", data={**form, "step": "save"})
    assert r.status_code == 302
    session.refresh(doctor)
    assert (doctor.family_name, doctor.mobile) == ("新姓", "090-1212-3434")
    # nothing changed: no confirmation to read, said at once
    r = member.post("/mypage/profile", data={**form, "step": "confirm"}, follow_redirects=True)
    assert "変更はありませんでした。" in text(r)


def test_a_refused_filter_lists_nothing_and_keeps_what_was_typed(app, session):
    doctor = taro(session)
    assert login(app, "nichiitaro").post("/mypage/profile", data=profile_form(
        doctor, sub_department="13")).status_code == 302
    otaru = login(app, "staff@otaru")
    page = text(otaru.get("/members/changes"))
    assert "小児科" in page.split('id="profile-changes"')[1]  # a department by its name, not its code
    r = otaru.get("/members/changes?date_from=2026-12-05&date_to=2026-12-01&group=dispatch")
    page = text(r)
    assert r.status_code == 422 and 'id="profile-changes"' not in page
    assert 'value="2026-12-05"' in page and '<option value="dispatch" selected' in page
