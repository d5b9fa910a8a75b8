"""医師会の管理: administrators register associations — the kind sets the layer, the parent must be
the layer above, one national and one per prefecture — and edit their names, contact and
municipalities; a new city association appears in the enrolment search once it has categories."""

from __future__ import annotations

import re

from membership import associations

from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_admins_register_and_edit_associations(app, session):
    admin = login(app, "admin001")
    page = text(admin.get("/admin/associations"))
    assert "札幌市医師会" in page and "北海道産業保健研究会" in page
    r = admin.post("/admin/associations", data={"code": "Sapporo!", "kind": "district", "parent": "hokkaido",
                                                "name": "", "kana": "ﾖｲﾁ", "areas": ""})
    assert r.status_code == 422
    summary = re.search(r'class="error-summary".*?</div>', text(r), re.S).group(0)
    assert "医師会コードは半角英小文字" in summary and "医師会名を入力してください" in summary
    r = admin.post("/admin/associations", data={"code": "yoichi", "kind": "district", "parent": "hokkaido",
                                                "name": "余市医師会"})
    assert r.status_code == 422 and "上位の医師会は3層の医師会から選んでください" in text(r)
    r = admin.post("/admin/associations", data={"code": "x1", "kind": "prefectural", "parent": "jma",
                                                "prefecture": "北海道", "name": "重複医師会"})
    assert r.status_code == 422 and "「北海道」の医師会はすでに登録されています" in text(r)
    r = admin.post("/admin/associations", data={"code": "yoichi", "kind": "municipal", "parent": "hokkaido",
                                                "name": "余市医師会", "kana": "よいちいしかい",
                                                "email": "office@yoichi.example.jp", "tel": "0135-22-0000",
                                                "areas": "余市町\n仁木町、古平町"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/associations/yoichi/categories")
    yoichi = associations.by_code(session, "yoichi")
    assert (yoichi.layer, yoichi.parent.code, yoichi.prefecture) == (3, "hokkaido", "北海道")
    assert yoichi.kana == "ヨイチイシカイ"
    assert yoichi.areas == ["余市町", "仁木町", "古平町"]
    assert re.search(r'id="association-yoichi".*?未設定', text(admin.get("/admin/associations?q=yoichi")), re.S)
    # not offered to applicants before it has a member category to choose
    assert "余市町" not in associations.cities(session, "北海道")
    r = admin.post("/associations/yoichi/categories", data={"code": "A", "label": "A会員", "criteria": ""})
    assert r.status_code == 302
    assert "余市町" in associations.cities(session, "北海道")
    assert [a.code for a in associations.local_choices(session, "北海道", "余市町")["layer3"]] == ["yoichi"]

    r = admin.post("/admin/associations/yoichi", data={"name": "余市郡医師会", "kana": "ヨイチグンイシカイ",
                                                       "email": "", "tel": "", "areas": "余市町\n積丹町"})
    assert r.status_code == 302
    session.expire_all()
    assert (yoichi.name, yoichi.areas, yoichi.code, yoichi.layer) == ("余市郡医師会", ["余市町", "積丹町"], "yoichi", 3)
    assert admin.get("/admin/associations/nowhere").status_code == 404
    assert login(app, "staff@otaru").get("/admin/associations").status_code == 403
    assert login(app, "staff@otaru").post("/admin/associations/otaru", data={"name": "x"}).status_code == 403


def test_a_save_filled_before_another_admins_change_is_refused_not_undone(app, session):
    """Two administrators edit one association: the second save, filled before the first, would
    undo it — it is refused with the saved values shown; the change is audited with its values."""
    import sqlalchemy as sa

    from membership.models import AuditEvent

    first, second = login(app, "admin001"), login(app, "admin001")
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', text(second.get("/admin/associations/otaru"))).group(1)
    form = {"name": "小樽市医師会", "kana": "オタルシイシカイ", "email": "office@otaru.example.jp", "tel": "",
            "areas": "小樽市"}
    r = first.post("/admin/associations/otaru", data={**form, "name": "小樽市医師会（改称）", "seen": seen})
    assert r.status_code == 302
    r = second.post("/admin/associations/otaru", data={**form, "tel": "0134-00-0000", "seen": seen})
    assert r.status_code == 409 and "ほかの管理者がこの医師会を更新しました" in text(r)
    assert "入力内容に誤りがあります" not in text(r)  # said as what it is, not as an input error
    assert 'value="小樽市医師会（改称）"' in text(r)  # the saved values, to edit again
    session.expire_all()
    otaru = associations.by_code(session, "otaru")
    assert otaru.name == "小樽市医師会（改称）" and otaru.tel != "0134-00-0000"
    event = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "association.update")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.detail["changes"]["name"] == ["小樽市医師会", "小樽市医師会（改称）"]


def test_two_associations_cannot_share_a_name(app, session):
    admin = login(app, "admin001")
    r = admin.post("/admin/associations", data={"code": "sap2", "kind": "municipal", "parent": "hokkaido",
                                                "name": "札幌市医師会", "kana": "サッポロシイシカイ"})
    assert r.status_code == 422 and "「札幌市医師会」はすでに使われています" in text(r)
    assert associations.by_code(session, "sap2") is None
    r = admin.post("/admin/associations/otaru", data={"name": "札幌市医師会", "kana": "オタルシイシカイ"})
    assert r.status_code == 422 and "はすでに使われています" in text(r)


def test_an_external_body_is_added_without_a_dead_end(app, session):
    admin = login(app, "admin001")
    r = admin.post("/admin/associations", data={"code": "ext9", "kind": "external", "parent": "hokkaido",
                                                "name": "北海道医療研修機構", "kana": "ホッカイドウケンシュウキコウ"})
    assert r.status_code == 302 and "/categories" not in r.headers["Location"]
    assert "北海道医療研修機構" in text(admin.get(r.headers["Location"]))


def test_the_enrolment_offers_every_district_of_the_city_association_those_of_the_ward_first(app, session):
    """Seed 000: for 札幌市中央区 the member may choose any 支部 of 札幌市医師会 — the facility's place is a
    guide; the ward's own come first."""
    assert [a.code for a in associations.local_choices(session, "北海道", "札幌市中央区")["layer4"]] == [
        "chuoeast", "chuowest", "kitaku"]
    assert [a.code for a in associations.local_choices(session, "北海道", "札幌市北区")["layer4"]] == [
        "kitaku", "chuoeast", "chuowest"]
    assert associations.local_choices(session, "北海道", "小樽市")["layer4"] == []  # 小樽 has no districts
    page = login(app, "nichiitaro").get("/apply/enrolment?pref=北海道&city=札幌市北区").get_data(as_text=True)
    assert page.index('value="kitaku"') < page.index('value="chuoeast"')
