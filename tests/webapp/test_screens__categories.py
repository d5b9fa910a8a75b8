"""会員区分の設定: an office adds, rewords, reorders and retires its own member categories (an admin
any office's); a retired category is no longer offered to applications and stays on the
memberships that have it; another office cannot touch them."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from membership import associations, categories
from membership.errors import Forbidden, ValidationFailed
from membership.models import Membership

from ..conftest import actor_for
from ..helpers import approved_member, file_enrolment
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def offered(session, code):
    session.expire_all()
    return [c.code for c in associations.by_code(session, code).categories]


def test_an_office_keeps_its_own_categories(app, session):
    client = login(app, "staff@otaru")
    page = text(client.get("/associations/otaru/categories"))
    assert "A-1" in page and 'id="add-form"' in page
    r = client.post("/associations/otaru/categories", data={"code": "", "label": "", "criteria": ""})
    assert r.status_code == 422 and "区分名を入力してください" in text(r) and "区分コードを入力してください" in text(r)
    r = client.post("/associations/otaru/categories", data={"code": "A-1", "label": "重複", "criteria": ""})
    assert r.status_code == 422 and "区分コード「A-1」はすでに使われています" in text(r)
    r = client.post("/associations/otaru/categories",
                    data={"code": "Ｃ－１", "label": "準会員", "criteria": "市外の勤務医"})
    assert r.status_code == 302
    assert offered(session, "otaru")[-1] == "C-1"  # full-width typed, half-width kept; offered last
    c1 = next(c for c in categories.list_categories(session, actor_for(session, "staff@otaru"), "otaru")[1]
              if c.code == "C-1")
    assert client.post(f"/associations/otaru/categories/{c1.id}", data={"action": "up"}).status_code == 302
    assert offered(session, "otaru")[-2] == "C-1"
    client.post(f"/associations/otaru/categories/{c1.id}", data={"action": "save", "label": "準会員（勤務医）",
                                                                 "criteria": "市外に勤務する医師"})
    session.expire_all()
    assert (c1.label, c1.criteria, c1.code) == ("準会員（勤務医）", "市外に勤務する医師", "C-1")
    # a refused edit comes back in its row: the error beside the name, the typed criteria kept
    r = client.post(f"/associations/otaru/categories/{c1.id}", data={"action": "save", "label": "",
                                                                     "criteria": "書きかけの基準"})
    page = text(r)
    assert r.status_code == 422 and f'id="error-label-{c1.id}"' in page and "書きかけの基準</textarea>" in page
    session.expire_all()
    assert c1.label == "準会員（勤務医）"

    # retire one in use: members keep it, applications no longer offer it
    member, _ = approved_member(session, chain=[("otaru", "A-1")], prefix="cat")
    a1 = next(c for c in categories.list_categories(session, actor_for(session, "staff@otaru"), "otaru")[1]
              if c.code == "A-1")
    assert client.post(f"/associations/otaru/categories/{a1.id}", data={"action": "retire"}).status_code == 302
    assert "A-1" not in offered(session, "otaru")
    held = session.scalar(sa.select(Membership).where(Membership.physician_id == member.physician_id))
    assert held.category.code == "A-1" and held.status == "active"
    other, _ = approved_member(session, chain=[("sapporo", "A-1")], prefix="ca2")
    with pytest.raises(ValidationFailed) as refused:
        file_enrolment(session, other, chain=[("otaru", "A-1")])
    assert any("category" in field for field in refused.value.fields), refused.value.fields
    page = text(client.get("/associations/otaru/categories"))
    assert re.search(rf'id="category-{a1.id}" class="retired"', page) and "再び提供する" in page
    assert client.post(f"/associations/otaru/categories/{a1.id}", data={"action": "reinstate"}).status_code == 302
    assert "A-1" in offered(session, "otaru")

    # not another office's, nor a member's; an admin may
    assert login(app, "staff@sapporo").get("/associations/otaru/categories").status_code == 403
    assert login(app, "staff@sapporo").post(f"/associations/otaru/categories/{c1.id}",
                                            data={"action": "retire"}).status_code == 403
    assert login(app, member.login_id).get("/associations/otaru/categories").status_code == 403
    assert login(app, "admin001").get("/associations/otaru/categories").status_code == 200
    with pytest.raises(Forbidden):
        categories.add_category(session, actor_for(session, "staff@sapporo"), "otaru", {"code": "X"})


def test_the_last_category_on_offer_cannot_be_retired(app, session):
    otaru = actor_for(session, "staff@otaru")
    _, rows = categories.list_categories(session, otaru, "otaru")
    for c in rows[:-1]:
        categories.set_retired(session, otaru, "otaru", c.id, True)
    with pytest.raises(ValidationFailed) as last:
        categories.set_retired(session, otaru, "otaru", rows[-1].id, True)
    assert last.value.fields["category"][0] == "last_category"


def test_a_body_that_only_organises_training_has_no_member_features(app, session):
    """An external body (研修会の主催団体) has attendees, not members: no categories, no データ取込み."""
    client = login(app, "staff@hoken_kenkyu")
    assert client.get("/associations/hoken_kenkyu/categories").status_code == 403
    assert client.post("/associations/hoken_kenkyu/categories", data={"action": "add", "code": "X1",
                                                                      "label": "X1"}).status_code == 403
    upload = (io.BytesIO("医籍登録番号\n".encode()), "m.csv")
    r = client.post("/members/import", data={"action": "check", "file": upload}, content_type="multipart/form-data")
    assert r.status_code == 403
    page = text(client.get("/members"))
    assert "/members/import" not in page and "/categories" not in page
    assert login(app, "admin001").get("/associations/hoken_kenkyu/categories").status_code == 403
