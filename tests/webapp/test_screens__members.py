"""Registered data and the secretariat's member pages; who may see which member."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa

from membership import members
from membership.errors import ValidationFailed
from membership.fields import today_jst
from membership.models import AuditEvent, Physician, ProfileChange, UserAccount

from ..conftest import actor_for, new_member
from ..helpers import approved_member, file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def profile_form(physician: Physician, **over) -> dict:
    data = {"registry_number": physician.registry_number or "", "registry_date": "1999-05-01",
            "family_kana": physician.family_kana, "given_kana": physician.given_kana,
            "family_name": physician.family_name, "given_name": physician.given_name,
            "postal_code": "060-0001", "prefecture": "北海道", "address": "札幌市中央区北一条西1-1",
            "mobile": "090-0000-0001", "birth_date": "1975-04-01", "sex": "M", "main_department": "01",
            "alma_mater": "札幌医科大学", "graduated_on": "1999-03", "dispatch_to": "facility"}
    data.update(over)
    return data


def taro(session) -> Physician:
    return session.scalar(sa.select(Physician).join(UserAccount, UserAccount.physician_id == Physician.id)
                          .where(UserAccount.login_id == "nichiitaro"))


def test_dates_typed_in_full_width_come_back_as_the_date_inputs_take_them(app, session):
    """Refused for another field, the page gives the dates back in ISO form: a date input throws
    away "１９７５－０４－０１", and the member's date would be lost."""
    doctor = taro(session)
    r = login(app, "nichiitaro").post("/mypage/profile", data=profile_form(
        doctor, birth_date="１９７５－０４－０１", graduated_on="１９９９／３", postal_code="12"))
    page = text(r)
    assert r.status_code == 422 and 'id="error-postal_code"' in page
    assert 'value="1975-04-01"' in page and 'value="1999-03"' in page


def test_a_member_edits_registered_data_and_dispatch_settings_with_history(app, session):
    doctor = taro(session)
    client = login(app, "nichiitaro")
    r = client.get("/mypage/profile")
    assert r.status_code == 200 and doctor.family_kana in text(r)
    r = client.post("/mypage/profile", data=profile_form(doctor, mobile="0９0-1111-2222", dispatch_to="home",
                                                         dispatch_stopped="y"))
    assert r.status_code == 302
    session.refresh(doctor)
    assert (doctor.mobile, doctor.dispatch_to, doctor.dispatch_stopped) == ("090-1111-2222", "home", True)
    changed = {c.field: (c.old_value, c.new_value) for c in session.scalars(
        sa.select(ProfileChange).where(ProfileChange.physician_id == doctor.id))}
    assert changed["mobile"][1] == "090-1111-2222" and changed["dispatch_to"] == ("facility", "home")
    r = client.get("/mypage/profile")
    assert "090-1111-2222" in text(r) and "本人" in text(r)
    history = text(r).split("変更履歴")[-1]
    assert "<td>送付先</td>" in history and "<td>所属施設</td><td>自宅</td>" in history  # labels, not codes
    assert "dispatch_to" not in history and "facility" not in history
    bad = client.post("/mypage/profile", data=profile_form(doctor, postal_code="12-345", mobile=""))
    assert bad.status_code == 422 and "郵便番号は「123-4567」の形式で入力してください" in text(bad)


def test_the_member_search_takes_hiragana_and_matches_wildcards_literally(app, session):
    doctor = taro(session)
    client = login(app, "staff@otaru")
    assert f"/members/{doctor.id}" in text(client.get("/members?q=にちい"))  # typed in hiragana
    assert f"/members/{doctor.id}" in text(client.get("/members?q=ニチイ"))
    assert f"/members/{doctor.id}" not in text(client.get("/members?q=%25"))  # "%" is a character, not "anything"
    assert f"/members/{doctor.id}" not in text(client.get("/members?q=_"))


def test_staff_act_for_a_member_of_their_association_and_the_trail_names_them(app, session):
    doctor = taro(session)
    client = login(app, "staff@otaru")
    r = client.get("/members?q=ニチイ")
    assert r.status_code == 200 and f"/members/{doctor.id}" in text(r)
    r = client.post(f"/members/{doctor.id}/profile", data=profile_form(doctor, address="札幌市中央区北一条西9-9"))
    assert r.status_code == 302
    change = session.scalars(sa.select(ProfileChange).where(ProfileChange.physician_id == doctor.id,
                                                            ProfileChange.field == "address")).one()
    staff = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@otaru"))
    member = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "nichiitaro"))
    assert (change.actor_user_id, change.on_behalf_of_user_id) == (staff.id, member.id)
    audit = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "profile.update",
                                                        AuditEvent.object_id == doctor.id)).all()[-1]
    assert (audit.actor_user_id, audit.on_behalf_of_user_id) == (staff.id, member.id)
    r = login(app, "nichiitaro").get("/mypage/profile")
    assert "医師会事務局（代理入力）" in text(r)  # the member sees that staff acted for them


def test_the_member_page_shows_the_registered_data_to_read_without_opening_the_form(app, session):
    """What an office needs at a glance (seed 002): birth date, sex, telephones, departments,
    school and graduation — codes as their labels, months as written — read only."""
    doctor = taro(session)
    doctor.societies, doctor.doctorate_on = ["日本内科学会", "日本小児科学会"], "2005-03"
    session.flush()
    page = text(login(app, "staff@otaru").get(f"/members/{doctor.id}"))
    shown = re.search(r'id="member-profile">(.*?)</section>', page, re.S).group(1)
    assert f"<dt>生年月日</dt><dd>{doctor.birth_date:%Y/%m/%d}</dd>" in shown
    assert f"<dt>卒業年月</dt><dd>{doctor.graduated_on.replace('-', '/')}</dd>" in shown
    assert "<dt>性別</dt><dd>男性</dd>" in shown and "<dd>日本内科学会、日本小児科学会</dd>" in shown
    assert "<dd>2005/03</dd>" in shown and "<form" not in shown
    english = text(login(app, "staff@otaru").get(f"/members/{doctor.id}?lang=en"))
    assert "<dt>Sex</dt><dd>Male</dd>" in english, re.search(r'id="member-profile">(.*?)</section>', english, re.S)
    # no dead end: back to the list, and to the task it was opened from
    back = re.search(r'id="back-links">(.*?)</p>', page, re.S).group(1)
    assert 'href="/members"' in back and "タスクへ戻る" not in back
    from_task = text(login(app, "staff@otaru").get(f"/members/{doctor.id}?task=42"))
    assert '<a href="/tasks/42">タスクへ戻る</a>' in from_task


def test_issued_credentials_come_as_a_pdf_with_the_japanese_font_embedded(app, session):
    member, _ = approved_member(session)
    account = session.get(UserAccount, member.user_id)
    account.must_change_credentials = True  # issued before and never used: a re-issue is allowed
    session.flush()
    assert account.terms_accepted_at is not None
    client = login(app, "staff@hokkaido")
    assert "ID・パスワード通知を発行する" in text(client.get(f"/members/{member.physician_id}"))
    r = client.post(f"/members/{member.physician_id}/credentials")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = r.get_data()
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and b"IPAexGothic" in pdf
    assert b"/Lang (ja)" in pdf  # read aloud as Japanese
    import io

    from pypdf import PdfReader

    content = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # where to log in and whom to ask, as the seed's postcard gives them
    assert "http://localhost/login" in content.replace(" ", "") and "北海道医師会事務局" in content.replace(" ", "")
    session.refresh(account)
    assert account.must_change_credentials and account.login_id != member.login_id
    from membership import registration
    assert not registration.terms_revised(account)  # asked as at a first login, not as "revised"
    # an administrator's notice (no office; no support desk configured here) points to the contact
    # page: the one it is issued for may belong to no association whose secretariat they could ask
    r = login(app, "admin001").post(f"/members/{member.physician_id}/credentials")
    content = PdfReader(io.BytesIO(r.get_data())).pages[0].extract_text().replace(" ", "")
    assert "http://localhost/about/contact" in content and "所属医師会事務局" not in content


def test_no_office_can_replace_the_login_of_a_member_who_uses_mamis_or_is_not_its_member(app, session):
    """Issuing replaces the login ID and password: for an account in use it would hand the office
    the member's account. Only an admin re-issues those (audited)."""
    doctor = taro(session)
    client = login(app, "staff@hokkaido")
    page = text(client.get(f"/members/{doctor.id}"))
    assert "すでにMAMISを利用しているため" in page and "ID・パスワード通知を発行する" not in page
    r = client.post(f"/members/{doctor.id}/credentials")
    assert r.status_code == 302 and "すでにMAMISを利用しているため" in text(client.get(r.headers["Location"]))
    account = session.scalar(sa.select(UserAccount).where(UserAccount.physician_id == doctor.id))
    session.refresh(account)
    assert account.login_id == "nichiitaro" and not account.must_change_credentials
    # an applicant (not yet a member) of the office: no login notice either
    applicant = new_member(session)
    file_enrolment(session, applicant, chain=[("chuowest", "A-1"), ("sapporo", "A-1")])
    session.flush()
    office = login(app, "staff@chuowest")
    assert office.get(f"/members/{applicant.physician_id}").status_code == 200
    r = office.post(f"/members/{applicant.physician_id}/credentials")
    assert r.status_code == 302 and "現会員にのみ発行できます" in text(office.get(r.headers["Location"]))
    session.refresh(session.get(UserAccount, applicant.user_id))
    assert session.get(UserAccount, applicant.user_id).login_id == applicant.login_id


def test_the_member_list_shows_only_members_of_the_staff_association(app, session):
    doctor = taro(session)
    outsider = new_member(session)
    session.flush()
    assert f'href="/members/{doctor.id}"' in text(login(app, "staff@jma").get("/members"))  # JMA: JMA members
    for staff in ("staff@tokyo", "staff@sapporo"):
        r = login(app, staff).get("/members")
        assert f'href="/members/{doctor.id}"' not in text(r) and doctor.family_name not in text(r), staff
    r = login(app, "admin001").get(f"/members?q={outsider.login_id}")
    assert f'href="/members/{outsider.physician_id}"' in text(r)


def test_staff_file_an_enrolment_for_a_member_through_the_wizard(app, session):
    import re

    from membership.models import Application

    from ..helpers import future

    member = new_member(session, prefix="walkin")
    session.flush()
    # make the new member one of 中央区東支部's: staff of that association act for them
    from engine import tasks

    from ..conftest import actor_for
    from ..helpers import file_enrolment

    first = file_enrolment(session, member, chain=[("chuoeast", "A-1")])
    task = tasks.list_tasks(session, actor_for(session, "staff@chuoeast"), application_id=first.id)[0][0]
    tasks.complete_task(session, actor_for(session, "staff@chuoeast"), task.id, "approve", "")
    session.flush()
    client = login(app, "staff@chuoeast")
    assert client.get("/apply/enrolment").headers["Location"].endswith("/members")  # a member must be chosen
    r = client.post(f"/apply/enrolment/for/{member.physician_id}")
    assert r.headers["Location"].endswith("/apply/enrolment")
    r = client.get("/apply/enrolment?pref=北海道&city=札幌市中央区")
    assert "会員に代わって申請しています" in text(r)
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer3": "sapporo",
                                             "category-sapporo": "A-1"})
    assert r.status_code == 302, text(r)
    r = client.post("/apply/enrolment/input", data={"action": "search", "facility_q": "上野"})
    facility_id = re.search(r'name="facility_id" value="(\d+)"', text(r)).group(1)
    r = client.post("/apply/enrolment/input", data={"desired_date": future(), "facility_id": facility_id,
                                                   "duty_code": "14", "position": ""})
    assert r.status_code == 302, text(r)
    r = client.post("/apply/enrolment/confirm", data={})
    assert r.status_code == 302 and f"/members/{member.physician_id}" in r.headers["Location"]
    filed = session.scalars(sa.select(Application).where(Application.physician_id == member.physician_id)
                            .order_by(Application.id.desc())).first()
    staff = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@chuoeast"))
    assert filed.id != first.id and filed.applicant_user_id == member.user_id and filed.filed_by_user_id == staff.id
    page = login(app, member.login_id).get("/mypage/")
    assert "医師会事務局による代理申請" in text(page)


def test_an_admin_disables_an_account_from_the_member_page_and_nothing_is_deleted(app, session):
    member = new_member(session)
    session.flush()
    staff = login(app, "admin001")
    assert login(app, "staff@otaru").post(f"/members/{member.physician_id}/disable",
                                          data={"reason": "死亡"}).status_code in (403, 404)
    r = staff.post(f"/members/{member.physician_id}/disable", data={"reason": "死亡（利用規約第8条）"})
    assert r.status_code == 302
    assert "利用停止中" in text(staff.get(f"/members/{member.physician_id}"))
    client = app.test_client()
    r = client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"})
    assert r.status_code == 401
    assert session.get(Physician, member.physician_id) is not None
    # stopping it again keeps the first date and reason; a login notice for it is refused
    again = text(staff.post(f"/members/{member.physician_id}/disable", data={"reason": "別の理由"},
                            follow_redirects=True))
    assert "すでに利用停止中です" in again and "死亡（利用規約第8条）" in again and "別の理由" not in again
    assert "利用停止中のため、ID・パスワード通知は発行できません" in text(staff.get(f"/members/{member.physician_id}"))
    # restored: the member logs in again with what they had
    r = staff.post(f"/members/{member.physician_id}/enable", follow_redirects=True)
    assert "利用を再開しました" in text(r) and 'id="account-stopped"' not in text(r)
    assert client.post("/login", data={"login_id": member.login_id, "password": "Mamis#2024"}).status_code == 302


def test_staff_amend_a_returned_application_for_its_applicant(app, session):
    from engine import tasks

    from ..conftest import actor_for
    from ..helpers import file_enrolment

    member = new_member(session, prefix="ret")
    filed = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")])
    staff = actor_for(session, "staff@chuoeast")
    review = tasks.list_tasks(session, staff, application_id=filed.id)[0][0]
    tasks.complete_task(session, staff, review.id, "return", "勤務先の施設を確認してください")
    session.flush()
    client = login(app, "staff@chuoeast")
    page = client.get(f"/members/{member.physician_id}")
    assert "差し戻された申請があります" in text(page)
    amend = tasks.list_tasks(session, member, application_id=filed.id)[0][0]
    assert f"/tasks/{amend.id}?on_behalf=1" in text(page)
    assert client.get(f"/tasks/{amend.id}").status_code == 404  # not without acting on behalf
    assert login(app, "staff@tokyo").get(f"/tasks/{amend.id}?on_behalf=1").status_code == 404
    r = client.post(f"/tasks/{amend.id}?on_behalf=1", data={
        "desired_date": filed.desired_date.isoformat(), "facility_id": "2", "duty_code": "14", "position": "",
        "comment": "代理で修正しました"})
    assert r.status_code == 302 and f"/members/{member.physician_id}" in r.headers["Location"]
    session.refresh(filed)
    assert filed.facility_id == 2 and filed.status == "in_review"
    audit = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "task.complete",
                                                        AuditEvent.object_id == amend.id)).one()
    assert (audit.actor_user_id, audit.on_behalf_of_user_id) == (staff.user_id, member.user_id)
    again = tasks.list_tasks(session, staff, application_id=filed.id)  # the same layer reviews again
    assert len(again) == 1 and again[0][0].kind == "review"


def test_a_members_page_lists_the_applications_the_office_sees_with_a_link_to_its_task(app, session):
    from engine import tasks
    from membership.models import Application, Membership

    from ..conftest import actor_for
    from ..helpers import approved_member

    member, _ = approved_member(session, prefix="detail", begun=False)
    enrolment = session.scalar(sa.select(Application).where(Application.physician_id == member.physician_id))
    staff = actor_for(session, "staff@chuoeast")
    task_id = tasks.list_tasks(session, staff, status="all", application_id=enrolment.id)[0][0].id
    page = text(login(app, "staff@chuoeast").get(f"/members/{member.physician_id}"))
    listed = page.split('id="member-applications"', 1)[1].split("</table>", 1)[0]
    assert enrolment.status == "approved"
    assert f"<td>{enrolment.id}</td>" in listed and "<td>入会届</td>" in listed and "<td>承認</td>" in listed
    assert f'href="/tasks/{task_id}"' in listed and "中央区東支部: 承認" in listed
    memberships = page.split("<h2>所属医師会</h2>", 1)[1].split("</table>", 1)[0]
    # approved, but it starts on the desired date (in the future): not yet 会員
    assert "<td>入会予定</td>" in memberships and "<td>会員</td>" not in memberships and "active" not in memberships
    session.execute(sa.update(Membership).where(Membership.physician_id == member.physician_id)
                    .values(since=today_jst() - dt.timedelta(days=1)))
    session.commit()
    page = text(login(app, "staff@chuoeast").get(f"/members/{member.physician_id}"))
    memberships = page.split("<h2>所属医師会</h2>", 1)[1].split("</table>", 1)[0]
    assert "<td>会員</td>" in memberships and "入会予定" not in memberships
    admin = text(login(app, "admin001").get(f"/members/{member.physician_id}"))
    assert f"<td>{enrolment.id}</td>" in admin and f"/admin/audit?login_id={member.login_id}" in admin
    assert f"/admin/audit?login_id={member.login_id}" not in page  # the trail is the administrators'


def test_my_page_says_when_the_registry_number_is_not_registered_yet(app, session):
    newcomer = new_member(session, prefix="noreg")
    page = text(login(app, newcomer.login_id).get("/mypage/"))
    assert "第None号" not in page and "医籍登録番号: 未登録" in page
    assert '<a href="/mypage/profile">登録情報で入力する</a>' in page
    doctor = taro(session)
    assert f"第{doctor.registry_number}号" in text(login(app, "nichiitaro").get("/mypage/"))


def test_a_member_cannot_change_their_own_registry_number_an_office_can(app, session):
    """The 医籍登録番号 is how JMA's data finds a physician: a member who changed theirs would
    collect another physician's credits and insurance."""
    member, _ = approved_member(session, prefix="reg")
    doctor = session.get(Physician, member.physician_id)
    doctor.registry_number = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    own = login(app, member.login_id)
    assert 'id="registry_number" name="registry_number" type="text"' in text(own.get("/mypage/profile"))
    assert "readonly" in text(own.get("/mypage/profile")).split('id="registry_number"')[1].split(">")[0]
    r = own.post("/mypage/profile", data=profile_form(doctor, registry_number="777771"))
    assert r.status_code == 422 and "医籍登録番号はご本人では変更できません" in text(r)
    session.refresh(doctor)
    assert doctor.registry_number != "777771"
    office = login(app, "staff@chuoeast")  # with the licence in hand, the office corrects it
    r = office.post(f"/members/{doctor.id}/profile", data=profile_form(doctor, registry_number="777771"))
    assert r.status_code == 302
    session.refresh(doctor)
    assert doctor.registry_number == "777771"


def test_a_body_that_only_organises_training_has_no_member_pages(app, session):
    body = login(app, "staff@hoken_kenkyu")
    for path in ("/members/import", "/members/certified", "/members/certified.csv", "/members/credentials",
                 "/members/fee-reduction/candidates"):
        assert body.get(path).status_code == 403, path


def test_the_member_search_finds_a_name_in_its_other_kanji_forms(app, session):
    """異体字: 高橋 typed finds 髙橋 registered, and the reverse; a kana search is unchanged."""
    member, _ = approved_member(session, prefix="itaiji")
    physician = session.get(Physician, member.physician_id)
    physician.family_name, physician.given_name = "髙橋", "一郎"
    session.flush()
    client = login(app, "staff@chuoeast")
    for typed in ("高橋", "髙橋", "高橋 一郎"):
        assert f"/members/{physician.id}" in text(client.get(f"/members?q={typed}")), typed
    physician.family_name = "高橋"
    session.flush()
    assert f"/members/{physician.id}" in text(client.get("/members?q=髙橋"))
    assert f"/members/{physician.id}" not in text(client.get("/members?q=高田"))
    # short terms (under a trigram) are read row by row, in a city's scope first or, for a
    # prefecture and JMA, found nationwide and checked: the same answers either way, kana too
    physician.family_kana, physician.given_kana = "タカハシ", "イチロウ"
    session.flush()
    for office in ("staff@chuoeast", "staff@hokkaido", "staff@jma"):
        staff = actor_for(session, office)
        for typed, found in (("髙橋", True), ("橋", True), ("たか", True), ("イチ", True), ("高田", False),
                             ("一郎", True), ("タカハシ イチロウ", True), ("橋 ジロウ", False)):
            rows, _ = members.list_members(session, staff, q=typed)
            assert (physician.id in {p.id for p in rows}) is found, (office, typed)


def test_a_prefecture_narrows_its_member_list_to_one_city(app, session, api):
    """所属医師会（管内）: 北海道医師会 lists the current members of one city (with its districts),
    on the screen, in the CSV and the API; an association outside it is refused by name."""
    district, _ = approved_member(session, prefix="brd")  # 中央区東支部 → 札幌市医師会 → 北海道 → JMA
    otaru, _ = approved_member(session, chain=[("otaru", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="bro")
    hokkaido = actor_for(session, "staff@hokkaido")

    def ids(branch):
        return {p.id for p in members.list_members(session, hokkaido, branch=branch)[0]}

    assert district.physician_id in ids("sapporo") and otaru.physician_id not in ids("sapporo")
    assert otaru.physician_id in ids("otaru") and district.physician_id in ids("chuoeast")
    for outside in ("tokyo", "hokkaido", "nowhere"):
        with pytest.raises(ValidationFailed) as refused:
            ids(outside)
        assert set(refused.value.fields) == {"branch"}
    client = login(app, "staff@hokkaido")
    page = client.get("/members?branch=otaru").get_data(as_text=True)
    assert '<option value="otaru" selected>' in page and f"/members/{otaru.physician_id}" in page
    assert f"/members/{district.physician_id}\"" not in page
    exported = client.get("/members/export.csv?branch=otaru").get_data().decode("utf-8-sig")
    marker = session.get(Physician, otaru.physician_id)
    assert f"{marker.family_kana},{marker.given_kana}" in exported  # the exported row, by its kana
    assert len([line for line in exported.splitlines() if line]) == 1 + len(ids("otaru"))  # and no other
    listed = api("staff@hokkaido").get("/api/v1/members?branch=sapporo")
    assert listed.status_code == 200 and int(listed.headers["X-Total-Count"]) == len(ids("sapporo"))
    assert client.get("/members?branch=tokyo").status_code == 422
