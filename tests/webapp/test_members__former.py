"""A former member's office keeps its record of them, as they were its member — not a window on
their life since (SPEC §8: each association sees only the members who belong to it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import sqlalchemy as sa

from membership import members, memberships, profiles
from membership.actors import SYSTEM
from membership.fields import today_jst
from membership.models import Association, Membership, Physician, UserAccount

from ..conftest import actor_for
from ..helpers import approved_member, group_of_its_own, login_client


def test_a_former_members_office_sees_its_record_of_them_and_not_their_data_since(app, session, api):
    member, _ = approved_member(session, prefix="fmr")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = f"{uuid.uuid4().int % 900_000 + 100_000:06d}"
    physician.birth_date, physician.address = dt.date(1971, 7, 7), "札幌市中央区旧住所1-1"
    session.flush()
    left = today_jst() - dt.timedelta(days=10)
    for held in session.scalars(sa.select(Membership).where(Membership.physician_id == physician.id)):
        memberships.end_membership(session, SYSTEM, held, left, None)
    # since then: a member of 文京区医師会, living elsewhere
    group_of_its_own(session, physician.id, [("bunkyo", "A-1")], dt.date(2026, 1, 1))
    data = {**profiles.profile_dict(physician), "registry_date": "1999-05-01", "postal_code": "113-0033",
            "prefecture": "東京都", "address": "文京区本郷新住所9-9", "mobile": "090-9999-0001", "sex": "M",
            "birth_date": "1971-07-07", "main_department": "01", "alma_mater": "札幌医科大学",
            "graduated_on": "1999-03"}
    try:
        profiles.update_profile(session, member, physician.id, data)
    except Exception as exc:
        raise AssertionError(exc.fields) from exc
    session.commit()

    chuoeast = actor_for(session, "staff@chuoeast")
    page = login_client(app, "staff@chuoeast").get(f"/members/{physician.id}").get_data(as_text=True)
    bunkyo_name = session.scalar(sa.select(Association.name).where(Association.code == "bunkyo"))
    assert 'id="former-member"' in page and physician.registry_number in page
    assert "新住所" not in page and "旧住所" not in page and physician.email not in page and bunkyo_name not in page
    assert members.left_on(session, chuoeast, physician.id) == left
    body = api("staff@chuoeast").get(f"/api/v1/members/{physician.id}").get_json()
    assert body["email"] is None and body["login_id"] is None and body["left_on"] == left.isoformat()
    assert {m["association"]["code"] if isinstance(m["association"], dict) else m["association"]
            for m in body["memberships"]} == {"chuoeast"}
    export = login_client(app, "staff@chuoeast").get(f"/members/export.csv?q={physician.registry_number}")
    (line,) = list(csv.DictReader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert line["医籍登録番号"] == physician.registry_number and line["状況"] == "退会済み"
    assert line["住所"] == line["送付先住所"] == line["メールアドレス"] == line["所属施設"] == ""
    assert [c.field for c in members.profile_history(session, chuoeast, physician.id)] == []
    # found by name or number, not by the login ID it no longer sees
    login_id = session.get(UserAccount, member.user_id).login_id
    assert [p.id for p in members.list_members(session, chuoeast, physician.registry_number)[0]] == [physician.id]
    assert members.list_members(session, chuoeast, login_id)[0] == []
    # the office the physician belongs to now sees them whole
    bunkyo = actor_for(session, "staff@bunkyo")
    assert members.left_on(session, bunkyo, physician.id) is None
    assert {"address", "mobile"} <= {c.field for c in members.profile_history(session, bunkyo, physician.id)}
    page = login_client(app, "staff@bunkyo").get(f"/members/{physician.id}").get_data(as_text=True)
    assert "新住所" in page and 'id="former-member"' not in page
