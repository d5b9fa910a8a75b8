"""The screens a member and a secretariat use: login, the wizard, My Page, the inbox and task page."""

from __future__ import annotations

import io
import re

import pytest

from ..conftest import new_member, query_count
from ..helpers import future


@pytest.fixture
def browser(app, session):
    def login(login_id):
        client = app.test_client()
        r = client.post("/login", data={"login_id": login_id, "password": "Mamis#2024"})
        assert r.status_code == 302, r.get_data(as_text=True)
        return client

    return login


def text(r):
    return r.get_data(as_text=True)


def task_of(inbox: str, app_id: int) -> int:
    """The task id on the inbox row of application `app_id` (the task link is the row's first)."""
    return int(re.search(rf'<td><a href="/tasks/(\d+)">[^<]*</a><br><small>[^<]*</small></td>\s*'
                         rf'<td>[^<]*</td>\s*<td>{app_id}</td>', inbox).group(1))


def file_through_wizard(client, layer4="chuoeast"):
    # a prefecture chosen: the page redrawn by htmx says what can be chosen now, in the region
    # outside <main> that stays (and so is announced)
    chosen = text(client.get("/apply/enrolment?pref=北海道", headers={"HX-Request": "true"}))
    assert re.search(r'<p id="page-status" class="visually-hidden" role="status" hx-swap-oob="innerHTML">'
                     r'郡市区を選べます（\d+）</p>', chosen)
    r = client.get("/apply/enrolment?pref=北海道&city=札幌市中央区")
    assert "中央区東支部" in text(r) and "札幌医科大学医師会" in text(r) and "郡市区等医師会に入会しない" in text(r)
    assert "個人が開設した病院又は診療所の管理者" in text(r)  # criteria shown with the categories
    r = client.post("/apply/enrolment", data={
        "pref": "北海道", "city": "札幌市中央区", "layer4": layer4, "layer3": "sapporo",
        f"category-{layer4}": "A-1", "category-sapporo": "A-1", "join_prefecture": "y", "category-hokkaido": "A",
        "join_jma": "y", "category-jma": "A1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/enrolment/input")
    r = client.post("/apply/enrolment/input", data={"action": "search", "facility_q": "上野"})
    assert "上野クリニック 札幌医院" in text(r)
    facility_id = re.search(r'name="facility_id" value="(\d+)"', text(r)).group(1)
    date = future().replace("-", "/")
    date_fullwidth = date.translate(str.maketrans("0123456789/", "０１２３４５６７８９／"))
    r = client.post("/apply/enrolment/input", data={
        "action": "next", "desired_date": date_fullwidth, "facility_id": facility_id, "duty_code": "11",
        "position": "院長"})
    assert r.status_code == 302, text(r)
    r = client.get("/apply/enrolment/confirm")
    assert "[4層] 中央区東支部" in text(r) and date in text(r) and "ウエノクリニックサッポロイイン" in text(r)
    r = client.post("/apply/enrolment/confirm")
    assert r.status_code == 302
    return int(r.headers["Location"].rsplit("/", 1)[1])


def test_member_files_an_enrolment_and_sees_it_under_review(browser, session):
    member = new_member(session)
    client = browser(member.login_id)
    app_id = file_through_wizard(client)
    page = text(client.get("/mypage/"))
    assert f"入会届 #{app_id}" in page and "申請中" in page and "中央区東支部" in page


def test_wizard_errors_name_the_fields_in_japanese(browser, session):
    client = browser(new_member(session).login_id)
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast",
                                              "layer3": "sapmed", "category-chuoeast": "A-1",
                                              "category-sapmed": "A-1"})
    assert r.status_code == 422 and "上位は" in text(r)  # 中央区東支部's parent is not 札幌医科大学医師会
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer3": "sapporo"})
    # the category missing is named by its association, in the summary and beside its select
    page = text(r)
    assert r.status_code == 422 and page.count("札幌市医師会の会員区分を選んでください。") == 2
    assert 'href="#field-category-sapporo"' in page and 'aria-describedby="error-category-sapporo"' in page
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast",
                                              "category-chuoeast": "A-1", "layer3": "sapporo",
                                              "category-sapporo": "B-2", "join_jma": "y", "category-jma": "A1"})
    page = text(r)  # JMA without the prefecture: said once, over the choices, which the summary leads to
    assert r.status_code == 422 and 'href="#field-associations"' in page and 'id="error-associations"' in page
    client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer3": "sapporo",
                                          "category-sapporo": "B-2"})
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": "2001/01/01",
                                                    "duty_code": "99"})
    page = text(r)
    assert r.status_code == 422
    assert "所属施設を選択してください。" in page and "施設・業務は 11〜14" in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]  # in the page's order
    assert summary.index("#field-facility_id") < summary.index("#field-duty_code")
    # the date is checked on its own step, not only when the application is filed
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": "2001/01/01",
                                                    "duty_code": "11", "facility_id": "1"})
    assert r.status_code == 422 and "入会希望年月日は本日以降の日付" in text(r)
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": "9999/12/31",
                                                    "duty_code": "11", "facility_id": "1"})
    assert r.status_code == 422 and "までの日付にしてください" in text(r)


def test_secretariat_approves_from_the_task_page_and_the_next_layer_gets_it(browser, session):
    member = new_member(session)
    app_id = file_through_wizard(browser(member.login_id))
    staff = browser("staff@chuoeast")
    inbox = text(staff.get("/inbox"))
    task_id = task_of(inbox, app_id)
    page = text(staff.get(f"/tasks/{task_id}"))
    assert "試験 一郎" in page and "上野クリニック 札幌医院" in page and "14:個人" in page
    assert "14:Individual" in text(staff.get(f"/tasks/{task_id}?lang=en"))  # the owner's label in English
    staff.get("/?lang=ja")
    r = staff.post(f"/tasks/{task_id}", data={"decision": "return"})
    assert r.status_code == 422 and "却下・差戻しにはコメントを入力してください。" in text(r)
    # the message describes its field in the page itself (not only once a script has run)
    assert 'aria-describedby="comment-hint error-comment" aria-invalid="true"' in text(r)
    r = staff.post(f"/tasks/{task_id}", data={"decision": "approve", "comment": "確認しました"})
    assert r.status_code == 302
    # a decision posted from a page opened before the task was decided: told it was not recorded
    again = staff.post(f"/tasks/{task_id}", data={"decision": "reject", "comment": "遅れて却下"})
    assert again.status_code == 303
    page = text(staff.get(again.headers["Location"]))
    assert "あなたの入力は記録されていません" in page and "処理済み" in page
    assert f"<td>{app_id}</td>" in text(browser("staff@sapporo").get("/inbox"))
    assert f"<td>{app_id}</td>" not in text(browser("staff@hokkaido").get("/inbox"))
    assert browser("staff@otaru").get(f"/tasks/{task_id}").status_code == 404
    mypage = text(browser(member.login_id).get("/mypage/"))
    assert "承認" in mypage and "中央区東支部" in mypage


def test_return_and_resubmission_through_the_screens(browser, session):
    member = new_member(session)
    client = browser(member.login_id)
    app_id = file_through_wizard(client)
    staff = browser("staff@chuoeast")
    task_id = task_of(text(staff.get("/inbox")), app_id)
    staff.post(f"/tasks/{task_id}", data={"decision": "return", "comment": "役職を確認してください"})
    mypage = text(client.get("/mypage/"))
    assert "差戻し" in mypage
    amend_id = int(re.search(r'href="/tasks/(\d+)">申請内容を修正して再提出する', mypage).group(1))
    page = text(client.get(f"/tasks/{amend_id}"))
    assert "役職を確認してください" in page
    r = client.post(f"/tasks/{amend_id}", data={"action": "next", "desired_date": future(40), "facility_id": "1",
                                                "duty_code": "13", "position": "理事"})
    assert r.status_code == 302, text(r)
    assert f"<td>{app_id}</td>" in text(staff.get("/inbox"))


def test_an_amendment_posted_after_its_applicant_cancelled_in_another_tab_is_told_so(browser, session):
    member = new_member(session)
    client = browser(member.login_id)
    app_id = file_through_wizard(client)
    staff = browser("staff@chuoeast")
    staff.post(f"/tasks/{task_of(text(staff.get('/inbox')), app_id)}",
               data={"decision": "return", "comment": "役職を確認してください"})
    mypage = text(client.get("/mypage/"))
    amend_id = int(re.search(r'href="/tasks/(\d+)">申請内容を修正して再提出する', mypage).group(1))
    assert client.get(f"/tasks/{amend_id}").status_code == 200  # the amendment page, open in one tab…
    assert client.post(f"/mypage/applications/{app_id}/cancel").status_code == 302  # …cancelled in another
    r = client.post(f"/tasks/{amend_id}", data={"action": "next", "desired_date": future(40), "facility_id": "1",
                                                "duty_code": "13", "position": "理事"})
    assert r.status_code == 303
    page = text(client.get(r.headers["Location"]))
    assert "この申請はもう修正できません" in page and "ほかの方" not in page


def test_pages_need_login_and_roles(app, browser, session):
    anonymous = app.test_client()
    for url in ("/mypage/", "/inbox", "/apply/enrolment"):
        r = anonymous.get(url)
        assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert browser("sapporohanako").get("/inbox").status_code == 403
    assert browser("designer01").get("/apply/enrolment").status_code == 403
    # staff file only on behalf of a member: without one chosen, they are sent to the member list
    assert browser("staff@otaru").get("/apply/enrolment").headers["Location"].endswith("/members")


def test_wrong_password_shows_the_seed_message(app, session):
    r = app.test_client().post("/login", data={"login_id": "sapporohanako", "password": "nope"})
    assert r.status_code == 401 and "ログインIDまたはパスワードに誤りがあります。" in text(r)


def test_inbox_page_query_count_does_not_grow(browser, session, db_engine):
    staff = browser("staff@otaru")
    staff.get("/inbox")
    base = query_count(db_engine, lambda: staff.get("/inbox"))
    from engine import flows

    from ..helpers import enrolment_body

    for _ in range(3):
        flows.submit_application(session, new_member(session), enrolment_body([("otaru", "A-1")]))
    assert query_count(db_engine, lambda: staff.get("/inbox")) == base


def test_english_is_available(app, session):
    page = app.test_client().get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in page and 'lang="en"' in page


def test_forms_reject_a_missing_csrf_token(app, session):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = app.test_client().post("/login", data={"login_id": "sapporohanako", "password": "Mamis#2024"})
        assert r.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("mode, label", [("home", "自宅会員"), ("undecided", "未定・一覧にない")])
def test_an_enrolment_without_a_facility_home_member_or_undecided(browser, session, mode, label):
    from engine import tasks
    from membership.models import Application, MembershipGroup

    from ..conftest import actor_for
    from ..helpers import open_task_for

    member = new_member(session)
    client = browser(member.login_id)
    client.post("/apply/enrolment", data={"pref": "北海道", "city": "小樽市", "layer3": "otaru",
                                          "category-otaru": "A-1"})
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(), "facility_id": mode,
                                                    "duty_code": "14", "position": "その他"})
    assert r.status_code == 302, text(r)
    confirm = text(client.get("/apply/enrolment/confirm"))
    assert label in confirm and "None" not in confirm
    summary = re.search(r'<dl class="summary">(.*?)</dl>', confirm, re.S).group(1)
    if mode == "home":  # what will be filed: no workplace, so no duty nor position
        assert "施設・業務</dt><dd>—（自宅会員のため対象外）</dd>" in summary
        assert "役職</dt><dd>—（自宅会員のため対象外）</dd>" in summary
    r = client.post("/apply/enrolment/confirm")
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    app = session.get(Application, app_id)
    assert app.facility_id is None and app.payload["facility_mode"] == mode
    assert (app.duty_code or "", app.position or "") == (("", "") if mode == "home" else ("14", "その他"))
    staff = actor_for(session, "staff@otaru")
    assert label in text(browser("staff@otaru").get(f"/tasks/{open_task_for(session, staff, app_id).id}"))
    tasks.complete_task(session, staff, open_task_for(session, staff, app_id).id, "approve")
    session.refresh(app)
    group = session.get(MembershipGroup, app.group_id)
    assert group.facility_id is None and group.home_member is (mode == "home")


def test_additional_enrolment_adds_the_upper_layers_to_the_same_group(browser, session):
    from engine import tasks
    from membership import memberships
    from membership.models import Application

    from ..conftest import actor_for
    from ..helpers import file_enrolment, open_task_for

    member = new_member(session)
    first = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")])
    for code in ("chuoeast", "sapporo"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, first.id).id, "approve")
    session.flush()
    client = browser(member.login_id)
    assert f"/apply/enrolment/additional/{first.group_id}" in text(client.get("/mypage/"))
    # step 1 of 入会届 offers it too, by the facility (seed 000)
    choose = text(client.get("/apply/enrolment")).split('id="additional"', 1)[1].split("</section>", 1)[0]
    assert f"/apply/enrolment/additional/{first.group_id}" in choose and "[2層] 北海道医師会" in choose
    page = text(client.get(f"/apply/enrolment/additional/{first.group_id}"))
    assert "北海道医師会" in page and "日本医師会" in page and "中央区東支部" in page
    r = client.post(f"/apply/enrolment/additional/{first.group_id}", data={"join-jma": "y", "category-jma": "A1"})
    assert r.status_code == 422 and "2層の医師会も選んでください" in text(r)  # JMA alone skips the prefecture
    r = client.post(f"/apply/enrolment/additional/{first.group_id}", data={
        "join-hokkaido": "y", "category-hokkaido": "A", "join-jma": "y", "category-jma": "A1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/enrolment/input")
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(),
                                                    "facility_id": str(first.facility_id), "duty_code": "11"})
    assert r.status_code == 302, text(r)
    r = client.post("/apply/enrolment/confirm")
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    added = session.get(Application, app_id)
    assert added.group_id == first.group_id and [p.association.code for p in added.parts] == ["hokkaido", "jma"]
    for code in ("hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        tasks.complete_task(session, staff, open_task_for(session, staff, app_id).id, "approve")
    rows = memberships.memberships_of(session, member.physician_id)
    assert {m.group_id for m in rows} == {first.group_id} and len(rows) == 4
    assert 'id="additional"' not in text(client.get("/apply/enrolment"))  # nothing left to add
    other = browser(new_member(session).login_id)
    assert other.get(f"/apply/enrolment/additional/{first.group_id}").status_code == 404


def test_designations_are_chosen_shown_on_confirm_and_stored(browser, session):
    from membership.models import Application

    client = browser(new_member(session).login_id)
    client.post("/apply/enrolment", data={"pref": "北海道", "city": "小樽市", "layer3": "otaru",
                                          "category-otaru": "A-1"})
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(), "facility_id": "home",
                                                    "duty_code": "14", "designations": ["保険医", "難病指定医"]})
    assert r.status_code == 302, text(r)
    page = text(client.get("/apply/enrolment/confirm"))
    assert "<dt>指定医</dt><dd>保険医、難病指定医</dd>" in page
    app_id = int(client.post("/apply/enrolment/confirm").headers["Location"].rsplit("/", 1)[1])
    assert session.get(Application, app_id).payload["designations"] == ["保険医", "難病指定医"]


def test_an_unknown_designation_is_refused_naming_the_field(api, session):
    from ..helpers import enrolment_body

    member = new_member(session)
    r = api(member.login_id).post("/api/v1/applications", json=enrolment_body(designations=["魔法医"]))
    assert r.status_code == 422 and "designations" in r.get_json()["error"]["fields"]
    assert "指定医は一覧から選んでください。" in r.get_json()["error"]["fields"]["designations"]


def test_a_returned_enrolment_is_amended_with_another_category_and_the_document_asked_for(app, session):
    """The usual reasons to return an enrolment — the wrong 会員区分, a missing document — can be
    put right on the amend page itself: the category of each association still to decide, and
    files addressed to the association that returned it."""
    import sqlalchemy as sa

    from engine import tasks
    from membership.models import ApplicationPart, Document

    from ..conftest import actor_for
    from ..helpers import file_enrolment, login_client

    member = new_member(session, prefix="amc")
    filed = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")])
    staff = actor_for(session, "staff@chuoeast")
    review = tasks.list_tasks(session, staff, application_id=filed.id)[0][0]
    tasks.complete_task(session, staff, review.id, "return", "会員区分はB-1です。勤務証明書を添付してください。")
    session.flush()
    amend = tasks.list_tasks(session, member, application_id=filed.id)[0][0]
    client = login_client(app, member.login_id)
    page = client.get(f"/tasks/{amend.id}").get_data(as_text=True)
    assert 'name="category-chuoeast"' in page and 'name="category-sapporo"' in page and 'name="documents"' in page
    assert '<option value="A-1" selected' in page  # the category chosen at filing
    base = {"desired_date": filed.desired_date.isoformat(), "facility_id": str(filed.facility_id),
            "duty_code": filed.duty_code, "position": filed.position or "", "comment": "区分を直しました"}
    r = client.post(f"/tasks/{amend.id}", data={**base, "category-chuoeast": "ZZ"})
    assert r.status_code == 422 and "ZZ" in r.get_data(as_text=True)  # an unknown category, named
    r = client.post(f"/tasks/{amend.id}", data={**base, "category-chuoeast": "B-1", "category-sapporo": "A-1",
                                                 "documents": [(io.BytesIO(b"%PDF-1.4\n%proof\n"), "勤務証明書.pdf")]},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    session.expire_all()
    parts = {p.association.code: p for p in session.scalars(sa.select(ApplicationPart).where(
        ApplicationPart.application_id == filed.id))}
    assert parts["chuoeast"].category.code == "B-1" and parts["sapporo"].category.code == "A-1"
    from membership.models import AuditEvent

    amended = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.amend",
                                                          AuditEvent.object_id == filed.id)).one()
    assert amended.detail["changed"] == {"categories": [{"chuoeast": "A-1", "sapporo": "A-1"},
                                                         {"chuoeast": "B-1", "sapporo": "A-1"}]}  # what, from what
    doc = session.scalars(sa.select(Document).where(Document.application_id == filed.id)).one()
    assert doc.filename == "勤務証明書.pdf" and doc.association_id == parts["chuoeast"].association_id
    again = tasks.list_tasks(session, staff, application_id=filed.id)[0][0]
    assert "勤務証明書.pdf" in login_client(app, "staff@chuoeast").get(f"/tasks/{again.id}").get_data(as_text=True)


def test_the_api_amends_a_returned_enrolments_category(api, session):
    from engine import tasks

    from ..conftest import actor_for
    from ..helpers import file_enrolment

    member = new_member(session, prefix="apc")
    filed = file_enrolment(session, member, chain=[("chuoeast", "A-1"), ("sapporo", "A-1")])
    staff = actor_for(session, "staff@chuoeast")
    tasks.complete_task(session, staff, tasks.list_tasks(session, staff, application_id=filed.id)[0][0].id,
                        "return", "会員区分はB-2です")
    session.flush()
    client = api(member.login_id)
    [amend] = [t for t in client.get("/api/v1/tasks").get_json() if t["application_id"] == filed.id]
    r = client.post(f"/api/v1/tasks/{amend['id']}/complete", json={"changes": {"categories": {"chuoeast": "ZZ"}}})
    assert r.status_code == 422 and "category-chuoeast" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/tasks/{amend['id']}/complete", json={"changes": {"categories": {"chuoeast": "B-2"}}})
    assert r.status_code == 200, r.get_json()
    session.expire_all()
    assert {p.association.code: p.category.code for p in session.get(type(filed), filed.id).parts} == \
        {"chuoeast": "B-2", "sapporo": "A-1"}


def test_facility_search_shows_the_address_and_says_when_it_stops_at_the_limit(app, browser, session):
    from membership.associations import FACILITY_LIMIT
    from membership.models import Facility

    session.add_all(Facility(name=f"検索テスト医院{i:03d}", kana=f"ケンサクテストイイン{i:03d}",
                             address="北海道札幌市中央区", postal_code="060-0001", tel="011-000-0000",
                             owner_type="14:個人", beds=0)
                    for i in range(FACILITY_LIMIT + 1))
    session.flush()
    client = browser(new_member(session).login_id)
    page = text(client.get("/apply/facilities?facility_q=検索テスト"))
    assert page.count('name="facility_id"') == FACILITY_LIMIT
    assert f"先頭の{FACILITY_LIMIT}件を表示しています" in page and "〒060-0001" in page
    page = text(client.get("/apply/facilities?facility_q=検索テスト医院007"))
    assert page.count('name="facility_id"') == 1 and "先頭の" not in page


def test_a_home_member_goes_on_without_a_facility_duty(browser, session):
    member = new_member(session, prefix="hom")
    client = browser(member.login_id)
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast",
                                             "category-chuoeast": "A-1"})
    assert r.status_code == 302
    assert "自宅会員（勤務先がない）の場合は選択不要です" in text(client.get("/apply/enrolment/input"))
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(), "facility_id": "1",
                                                   "duty_code": "", "position": ""})
    assert r.status_code == 422 and "施設・業務" in text(r)  # at a facility, the duty is asked
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(), "facility_id": "home",
                                                   "duty_code": "", "position": ""})
    assert r.status_code == 302, text(r)


def test_a_facility_not_in_the_list_is_named_for_the_reviewers(browser, session):
    """Seed 000: 「未定、もしくは上欄に登録がない施設」 with the facility's name typed, which the
    associations see on the task page and in the board material."""
    member = new_member(session, prefix="unl")
    client = browser(member.login_id)
    client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast",
                                         "category-chuoeast": "A-1"})
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(),
                                                   "facility_id": "undecided", "facility_name": "x" * 51,
                                                   "duty_code": "11", "position": ""})
    assert r.status_code == 422 and "50文字以内" in text(r)
    named = "すすきの内科（開業準備中）"
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(),
                                                   "facility_id": "undecided", "facility_name": named,
                                                   "duty_code": "11", "position": ""})
    assert r.status_code == 302, text(r)
    assert "未定・一覧にない（すすきの内科（開業準備中））" in text(client.get("/apply/enrolment/confirm"))
    app_id = int(client.post("/apply/enrolment/confirm").headers["Location"].rsplit("/", 1)[1])
    staff = browser("staff@chuoeast")
    task_id = task_of(text(staff.get("/inbox")), app_id)
    assert "すすきの内科（開業準備中）" in text(staff.get(f"/tasks/{task_id}"))
    board = staff.post("/inbox/export", data={"task_ids": [str(task_id)], "scope": "selected", "format": "csv-utf8"})
    assert "すすきの内科（開業準備中）" in board.get_data().decode("utf-8-sig")


def test_the_wizards_layer_headings_follow_the_language_of_each_request(browser, session):
    """Jinja folds filters on constants once, at compile time: `4|layer` showed the first
    language after a restart to everyone."""
    member = new_member(session, prefix="lyr")
    client = browser(member.login_id)
    japanese = text(client.get("/apply/enrolment?pref=北海道&city=札幌市中央区&lang=ja"))
    english = text(client.get("/apply/enrolment?pref=北海道&city=札幌市中央区&lang=en"))
    assert "[4層]" in japanese and "[Layer 4]" in english and "層]" not in english
    client.get("/apply/enrolment?lang=ja")


def test_a_member_of_the_prefecture_alone_adds_a_city_below_it(browser, session):
    """SPEC §4: 追加入会 adds the layers not yet joined — below too. A member of 北海道医師会 and JMA
    (the city skipped) adds 小樽市医師会 to that same group: one chain, so leaving the city later
    takes the prefecture and JMA with it."""
    from engine import tasks
    from membership import memberships
    from membership.models import Application

    from ..conftest import actor_for
    from ..helpers import approved_member, open_task_for

    member, group_id = approved_member(session, chain=[("hokkaido", "A"), ("jma", "A1")], prefix="low")
    client = browser(member.login_id)
    assert "下層の医師会に入会する" in text(client.get("/mypage/"))
    choose = text(client.get("/apply/enrolment")).split('id="additional"', 1)[1].split("</section>", 1)[0]
    assert "小樽市医師会" in choose
    page = text(client.get(f"/apply/enrolment/additional/{group_id}"))
    assert 'id="lower-otaru"' in page and 'id="lower-bunkyo"' not in page  # its own prefecture's only
    r = client.post(f"/apply/enrolment/additional/{group_id}", data={"lower": "bunkyo", "category-bunkyo": "A-1"})
    assert r.status_code == 422  # not offered: another prefecture's
    from membership import applications
    from membership.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        applications.check_extension(session, member, group_id, [{"code": "bunkyo", "category": "A-1"}])
    assert refused.value.fields["associations"] == ("one_city_below", {"prefecture": "北海道医師会"})
    r = client.post(f"/apply/enrolment/additional/{group_id}", data={"lower": "otaru", "category-otaru": "A-1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/enrolment/input"), text(r)
    r = client.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(),
                                                    "facility_id": "home"})
    assert r.status_code == 302, text(r)
    r = client.post("/apply/enrolment/confirm")
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    added = session.get(Application, app_id)
    assert added.group_id == group_id and [p.association.code for p in added.parts] == ["otaru"]
    staff = actor_for(session, "staff@otaru")
    review = open_task_for(session, staff, app_id)
    page = text(browser("staff@otaru").get(f"/tasks/{review.id}"))  # the city reads what it joins
    assert "入会届（追加入会）" in page and "[2層] 北海道医師会、[1層] 日本医師会" in page
    tasks.complete_task(session, staff, review.id, "approve")
    held = {m.association.code: m.group_id for m in memberships.memberships_of(session, member.physician_id)}
    assert held == {"otaru": group_id, "hokkaido": group_id, "jma": group_id}
    assert "下層の医師会に入会する" not in text(client.get("/mypage/"))


def test_files_uploaded_as_the_draft_is_filed_elsewhere_are_said_not_attached(browser, session, monkeypatch):
    """Another tab filed the draft while this one uploaded: the upload loses, and the member is
    told that its files were not attached (not merely that the draft was filed)."""
    import io

    from membership import uploads
    from membership.errors import Conflict

    client = browser(new_member(session).login_id)
    r = client.post("/apply/enrolment", data={"pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast",
                                              "layer3": "sapporo", "category-chuoeast": "A-1",
                                              "category-sapporo": "A-1"})
    assert r.status_code == 302

    def filed_meanwhile(*args, **kwargs):
        raise Conflict("draft_filed")

    monkeypatch.setattr(uploads, "add_to_draft", filed_meanwhile)
    r = client.post("/apply/enrolment/input", data={"action": "upload", "file-chuoeast": (
        io.BytesIO(b"%PDF-1.4 test"), "doc1.pdf")}, content_type="multipart/form-data", follow_redirects=True)
    assert "すでに提出されたか" in text(r) and "このときアップロードしたファイルは添付されていません" in text(r)


def test_searching_with_nothing_chosen_says_which_to_choose(app, session):
    from ..helpers import login_client

    client = login_client(app, "nichiitaro")
    r = client.get("/apply/enrolment?pref=&city=&search=1")
    assert r.status_code == 422 and 'id="error-pref"' in r.get_data(as_text=True)
    r = client.get("/apply/enrolment?pref=北海道&city=&search=1")
    assert r.status_code == 422 and 'id="error-city"' in r.get_data(as_text=True)
    assert "郡市区" in r.get_data(as_text=True)
    assert client.get("/apply/enrolment?pref=北海道").status_code == 200  # the prefecture alone, as htmx asks
