"""POST /api/v1/applications with the bodies exactly as API.md writes them (withdrawal, transfer,
certification), the group found without `group_id`, and the earlier withdrawal names still accepted."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from membership.fields import today_jst
from membership.models import Application, Facility

from ..helpers import approved_member


def _day(days: int = 14) -> str:
    return (today_jst() + dt.timedelta(days=days)).isoformat()


def test_a_withdrawal_as_api_md_writes_it(api, session):
    member, group_id = approved_member(session, prefix="wdc")
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json={
        "kind": "withdrawal", "desired_date": _day(), "reason": "retirement", "reason_text": "",
        "associations": ["sapporo"]})
    assert r.status_code == 201, r.get_json()
    app = r.get_json()
    # the cascade rule: the layers above sapporo are left too; chuoeast (below) stays
    assert [(p["association"], p["action"]) for p in app["parts"]] == [
        ("sapporo", "leave"), ("hokkaido", "leave"), ("jma", "leave")]
    stored = session.get(Application, app["id"])
    assert stored.group_id == group_id and stored.payload["reason"] == "retirement"
    detail = client.get(f"/api/v1/applications/{app['id']}").get_json()
    assert detail["status"] == "in_review"


def test_a_withdrawal_names_its_bad_fields_in_api_md_terms(api, session):
    member, _ = approved_member(session, prefix="wdb")
    client = api(member.login_id)
    before = session.scalar(sa.select(sa.func.count()).select_from(Application))
    r = client.post("/api/v1/applications", json={
        "kind": "withdrawal", "desired_date": _day(), "reason": "boredom", "associations": ["otaru"]})
    assert r.status_code == 422
    fields = r.get_json()["error"]["fields"]
    assert set(fields) == {"reason", "associations"}
    assert fields["reason"].startswith("退会事由") and "otaru" in fields["associations"]
    r = client.post("/api/v1/applications", json={
        "kind": "withdrawal", "desired_date": _day(), "reason": "other", "associations": ["chuoeast"]})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"reason_text"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Application)) == before


def test_the_earlier_withdrawal_names_are_still_accepted(api, session):
    member, group_id = approved_member(session, prefix="wdl")
    r = api(member.login_id).post("/api/v1/applications", json={
        "kind": "withdrawal", "group_id": group_id, "association": "hokkaido", "desired_date": _day(),
        "withdrawal_reason": "retired"})
    assert r.status_code == 201, r.get_json()
    assert [p["association"] for p in r.get_json()["parts"]] == ["hokkaido", "jma"]
    assert session.get(Application, r.get_json()["id"]).payload["reason"] == "retirement"


def test_a_transfer_as_api_md_writes_it(api, session):
    member, group_id = approved_member(session, prefix="trc")
    north = session.scalar(sa.select(Facility.id).where(Facility.name.contains("北区ファミリー")))
    client = api(member.login_id)
    body = {"kind": "transfer", "desired_date": _day(), "facility_id": north, "duty_code": "31",
            "position": "部長", "associations": [{"code": "kitaku", "category": "B-2"}]}
    r = client.post("/api/v1/applications", json={**body, "duty_code": ""})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"duty_code"}
    r = client.post("/api/v1/applications", json={**body, "position": "王様"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"position"}
    r = client.post("/api/v1/applications", json={**body, "associations": [
        {"code": "kitaku", "category": "B-2"}, {"code": "sapporo", "category": "B-1"}]})
    # sapporo is kept, so its category is too: refused, not dropped
    assert r.status_code == 422 and "札幌市医師会" in r.get_json()["error"]["fields"]["associations"]
    # the whole chain named, as an enrolment names it: the associations kept (with their categories) add nothing
    whole = [{"code": "kitaku", "category": "B-2"}, {"code": "sapporo", "category": "A-1"},
             {"code": "hokkaido", "category": "A"}, {"code": "jma", "category": "A1"}]
    r = client.post("/api/v1/applications", json={**body, "associations": whole})
    assert r.status_code == 201, r.get_json()
    app = r.get_json()
    assert (app["duty_code"], app["position"], app["facility_id"]) == ("31", "部長", north)
    # the parts hold the leave and join actions only (JMA's membership continues and records the move)
    assert [(p["association"], p["action"]) for p in app["parts"]] == [("chuoeast", "leave"), ("kitaku", "join")]
    assert session.get(Application, app["id"]).group_id == group_id


def test_a_certification_as_api_md_writes_it(api, session):
    member, _ = approved_member(session, prefix="crc")
    client = api(member.login_id)
    r = client.post("/api/v1/applications", json={"kind": "certification", "certificate": "occupational",
                                                   "mode": "renewal"})
    # no certificate held, so not a renewal; the field is named as the body named it
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"mode"}
    assert "新規" in r.get_json()["error"]["fields"]["mode"]
    r = client.post("/api/v1/applications", json={"kind": "certification", "certificate": "occupational",
                                                   "mode": "new"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"certificate"}  # no credits yet
    r = client.post("/api/v1/applications", json={"kind": "certification", "certificate": "astrology"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"certificate"}
