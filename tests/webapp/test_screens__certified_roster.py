"""認定医名簿: an office lists its current members' certificates — valid, ending within six months
without a renewal, or ended and not renewed —, never another office's members nor a revoked
certificate; as a page, a CSV and through the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random

import pytest
import sqlalchemy as sa

from membership import certifications
from membership.fields import today_jst
from membership.models import Certificate, Physician

from ..conftest import actor_for
from ..helpers import approved_member
from ..helpers import login_client as login

TODAY = today_jst()


@pytest.fixture(autouse=True)
def _today():
    """Today in Japan as each test starts (a run may cross midnight JST, 15:00 UTC)."""
    global TODAY
    TODAY = today_jst()
_numbers = itertools.count(1)


def _cert(session, member, system, valid_from, valid_until, status="active"):
    n = next(_numbers)
    cert = Certificate(physician_id=member.physician_id, system=system, mode="new", number=f"RST-{n:05d}",
                       valid_from=valid_from, valid_until=valid_until, verification_code=f"RSTCODE{n:05d}",
                       status=status)
    session.add(cert)
    session.flush()
    return cert


def test_the_roster_by_state_and_scope(app, session, api):
    day = dt.timedelta(days=1)
    valid_holder, _ = approved_member(session, prefix="rva")
    renewed_old = _cert(session, valid_holder, "occupational", TODAY - 2000 * day, TODAY - 175 * day)
    valid = _cert(session, valid_holder, "occupational", TODAY - 174 * day, TODAY + 1500 * day)
    expiring_holder, _ = approved_member(session, prefix="rex")
    expiring = _cert(session, expiring_holder, "lifelong", TODAY - 1000 * day, TODAY + 30 * day)
    renewing_holder, _ = approved_member(session, prefix="rrn")  # ends soon, but renewed already
    soon = _cert(session, renewing_holder, "sports", TODAY - 1700 * day, TODAY + 20 * day)
    _cert(session, renewing_holder, "sports", TODAY + 21 * day, TODAY + 1845 * day)
    lapsed_holder, _ = approved_member(session, prefix="rlp")
    lapsed = _cert(session, lapsed_holder, "sports", TODAY - 1900 * day, TODAY - 10 * day)
    revoked = _cert(session, lapsed_holder, "occupational", TODAY - 100 * day, TODAY + 1000 * day, status="revoked")
    elsewhere, _ = approved_member(session, chain=[("otaru", "A-1"), ("hokkaido", "A"), ("jma", "A1")], prefix="rot")
    other_city = _cert(session, elsewhere, "occupational", TODAY - 10 * day, TODAY + 1000 * day)
    ours = {c.number for c in (renewed_old, valid, expiring, soon, lapsed, revoked, other_city)}

    def listed(who, **filters):
        rows, _ = certifications.roster(session, actor_for(session, who), limit=10_000, **filters)
        return {c.number for c in rows} & ours

    assert listed("staff@sapporo") == {valid.number, expiring.number, soon.number}
    assert listed("staff@sapporo", state="expiring") == {expiring.number}
    assert listed("staff@sapporo", state="expired") == {lapsed.number}  # the renewed one is not "expired"
    assert listed("staff@sapporo", system="sports") == {soon.number}
    assert listed("staff@hokkaido") == {valid.number, expiring.number, soon.number, other_city.number}
    assert listed("staff@otaru") == {other_city.number}
    assert listed("admin001", q="シケン") >= {valid.number, expiring.number}

    # the holders' My Page says which certificate ends soon — not when it was renewed already
    notice = login(app, expiring_holder.login_id).get("/mypage/").get_data(as_text=True)
    assert "認定証の有効期限が近づいています" in notice and expiring.number in notice
    assert "認定証の有効期限が近づいています" not in login(app, renewing_holder.login_id).get("/mypage/").get_data(
        as_text=True)

    client = login(app, "staff@sapporo")
    page = client.get("/members/certified?state=expiring").get_data(as_text=True)
    assert expiring.number in page and valid.number not in page and "期限間近（6か月以内・更新未了）" in page
    r = client.get("/members/certified?state=someday&system=golf")
    assert r.status_code == 422 and "認定制度は一覧から選んでください" in r.get_data(as_text=True)
    body = client.get("/members/certified.csv?state=valid").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(certifications.ROSTER_HEADINGS)
    numbers = {row[4] for row in rows[1:]}
    assert {valid.number, expiring.number, soon.number} <= numbers and not numbers & {other_city.number, revoked.number}
    line = next(row for row in rows if row[4] == valid.number)
    assert line[3] == "認定産業医" and line[6] == valid.valid_until.isoformat()

    r = api("staff@otaru").get("/api/v1/certificates?system=occupational")
    assert r.status_code == 200 and {row["number"] for row in r.get_json()} & ours == {other_city.number}
    assert int(r.headers["X-Total-Count"]) >= 1
    assert api(valid_holder.login_id).get("/api/v1/certificates").status_code == 403
    assert login(app, valid_holder.login_id).get("/members/certified").status_code in (403, 404)


def _free_registry_number(session) -> str:
    while True:
        number = f"{random.randrange(10**6):06d}"
        if session.scalar(sa.select(Physician.id).where(Physician.registry_number == number)) is None:
            return number


def test_a_prefectures_roster_reaches_the_members_below_it(app, session, api):
    """Seed 004 (研修会情報の閲覧権限): a prefecture sees the certification data within its prefecture,
    JMA all. A member of a city only, holding the prefecture's かかりつけ医機能研修 certificate, is on
    the prefecture's and JMA's rosters with the city as 所属医師会 — read only: the member's page and
    the print stay with the city, the association the member belongs to."""
    day = dt.timedelta(days=1)
    city_only, _ = approved_member(session, chain=[("sapporo", "A-1")], prefix="rco")
    registry = _free_registry_number(session)
    session.get(Physician, city_only.physician_id).registry_number = registry
    issued = _cert(session, city_only, "primary_care", TODAY - 10 * day, TODAY + 1000 * day)
    in_tokyo, _ = approved_member(session, chain=[("bunkyo", "A-1")], prefix="rtk")
    tokyos = _cert(session, in_tokyo, "primary_care", TODAY - 10 * day, TODAY + 1000 * day)

    def listed(who):
        rows, _ = certifications.roster(session, actor_for(session, who), limit=100_000, system="primary_care")
        return {c.number for c in rows} & {issued.number, tokyos.number}

    assert listed("staff@hokkaido") == {issued.number}
    assert listed("staff@tokyo") == {tokyos.number}
    assert listed("staff@jma") == {issued.number, tokyos.number}
    assert listed("staff@sapporo") == {issued.number}
    assert listed("staff@otaru") == set() and listed("staff@bunkyo") == {tokyos.number}

    prefecture = login(app, "staff@hokkaido")
    page = prefecture.get(f"/members/certified?system=primary_care&q={registry}")
    text = page.get_data(as_text=True)
    assert issued.number in text and "札幌市医師会" in text
    assert f"/members/{city_only.physician_id}" not in text and f"/members/certificates/{issued.id}.pdf" not in text
    assert prefecture.get(f"/members/certificates/{issued.id}.pdf").status_code == 404
    city = login(app, "staff@sapporo").get(f"/members/certified?system=primary_care&q={registry}")
    assert f"/members/certificates/{issued.id}.pdf" in city.get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(prefecture.get("/members/certified.csv?system=primary_care")
                                       .get_data().decode("utf-8-sig"))))
    assert rows[0][-1] == "所属医師会"
    assert next(row for row in rows if row[4] == issued.number)[-1] == "札幌市医師会"
    r = api("staff@hokkaido").get(f"/api/v1/certificates?system=primary_care&q={registry}")
    assert [(row["number"], row["affiliation"]) for row in r.get_json()] == [(issued.number, "札幌市医師会")]


def test_the_roster_names_only_the_associations_in_the_offices_sight(app, session, api):
    """A physician in 札幌 and in 文京区・東京都: 北海道医師会's roster says 札幌市医師会 only —
    nothing of another prefecture —, JMA's both."""
    from membership import imports

    from ..helpers import group_of_its_own
    from .test_members__import_export import csv_bytes, numbers

    (number,) = numbers(1)
    person = [number, "二府", "県子", "ニフ", "ケンコ", "1970-03-03", "女", ""]
    imports.import_members(session, actor_for(session, "staff@sapporo"), csv_bytes([[*person, "A-1", "2001-04-01"]]))
    physician = session.scalar(sa.select(Physician).where(Physician.registry_number == number))
    group_of_its_own(session, physician.id, [("bunkyo", "A-1"), ("tokyo", "A")], dt.date(2001, 4, 1))
    holder = type("Holder", (), {"physician_id": physician.id})()
    held = _cert(session, holder, "primary_care", TODAY, TODAY + dt.timedelta(days=900))
    for who, says in (("staff@sapporo", "札幌市医師会"), ("staff@hokkaido", "札幌市医師会"),
                      ("staff@tokyo", "文京区医師会"), ("staff@jma", "札幌市医師会、文京区医師会")):
        r = api(who).get(f"/api/v1/certificates?system=primary_care&q={number}")
        assert [(row["number"], row["affiliation"]) for row in r.get_json()] == [(held.number, says)], who
