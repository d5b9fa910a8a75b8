"""データ取込み: a dry run lists every row's errors; the import is all or nothing. And CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid

import pytest
import sqlalchemy as sa

from membership.errors import ValidationFailed
from membership.models import MemberCategory, Membership, MembershipEvent, Physician, UserAccount

from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    from membership.imports import COLUMNS

    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def numbers(n):
    base = uuid.uuid4().int % 900_000 + 100_000
    return [f"{base + i:06d}" for i in range(n)]


def test_dry_run_lists_every_bad_row_and_the_import_writes_nothing_until_all_are_good(app, session):
    a, b, c = numbers(3)
    good = [a, "取込", "一郎", "とりこみ", "ｲﾁﾛｳ", "1970/4/1", "男", "", "A-1", "2001-04-01"]
    bad_kana = [b, "取込", "二郎", "取込", "ジロウ", "1971-01-01", "男", "", "A-1", "2001-04-01"]
    bad_category = [c, "取込", "三子", "トリコミ", "サンコ", "1972-02-02", "女", "x@", "Z-9", "2001-04-01"]
    client = login(app, "staff@otaru")
    upload = csv_bytes([good, bad_kana, bad_category])
    r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(upload), "m.csv")},
                    content_type="multipart/form-data")
    page = text(r)
    assert r.status_code == 200 and 'id="good-rows">1<' in page and 'id="bad-rows">2<' in page
    assert "セイは全角カタカナで入力してください" in page and "会員区分「Z-9」は貴会の会員区分にありません" in page
    assert "メールアドレスの形式が正しくありません" in page
    before = session.scalar(sa.select(sa.func.count()).select_from(Physician))
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(upload), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "何も登録されていません" in text(r)
    assert 'id="good-rows">1<' in text(r) and 'id="bad-rows">2<' in text(r)  # counted as in the dry run
    r = client.post("/members/import", data={"action": "check"}, content_type="multipart/form-data")
    assert r.status_code == 422 and "ファイルを選択してください" in text(r)  # no file chosen, said so
    assert session.scalar(sa.select(sa.func.count()).select_from(Physician)) == before  # all or nothing
    fixed = csv_bytes([good, [b, "取込", "二郎", "トリコミ", "ジロウ", "1971-01-01", "男", "", "A-1", "2001-04-01"]],
                      encoding="cp932")  # as Excel saves it
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(fixed), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    imported = session.scalars(sa.select(Physician).where(Physician.registry_number.in_([a, b]))).all()
    assert sorted(p.family_kana for p in imported) == ["トリコミ", "トリコミ"]
    assert {p.given_kana for p in imported} == {"イチロウ", "ジロウ"}
    otaru = session.scalars(sa.select(Membership).where(Membership.physician_id.in_([p.id for p in imported]))).all()
    assert len(otaru) == 2 and all(m.status == "active" for m in otaru)
    export = login(app, "staff@otaru").get("/members/export.csv?q=トリコミ")
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "医籍登録番号" and {r[0] for r in rows[1:]} >= {a, b}
    assert a not in login(app, "staff@tokyo").get("/members/export.csv").get_data().decode("utf-8-sig")


def test_an_import_reads_the_ledgers_optional_columns_for_the_physicians_it_registers(app, session):
    """An association's ledger has more than the ten columns: registry date, graduation, school,
    telephones and the home address (as the export writes it) fill in a new physician's registered
    data — so the 卒後5年 candidates find them — and 性別 may be the JIS code (1 男, 2 女)."""
    from membership import imports

    a, b = numbers(2)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow((*imports.COLUMNS, "医籍登録日", "卒業年月", "出身校", "携帯電話", "電話番号", "郵便番号", "住所"))
    writer.writerow([a, "台帳", "一郎", "ダイチョウ", "イチロウ", "1990-04-01", "1", "", "A-1", "2020-04-01",
                     "2016-05-01", "2016-03", "札幌医科大学", "090-1111-2222", "(0134)22-0000", "0470032",
                     "北海道小樽市稲穂2-1-1"])
    writer.writerow([b, "台帳", "二子", "ダイチョウ", "ツギコ", "1990-04-01", "2", "", "A-1", "2020-04-01",
                     "2014-05-01", "2016-03", "", "", "", "060-0001", "東京都千代田区1-1"])  # before graduating;
    # and a Sapporo postal code with a Tokyo address
    client = login(app, "staff@otaru")
    r = client.post("/members/import", data={"action": "check", "file": (io.BytesIO(out.getvalue().encode()),
                                                                          "ledger.csv")})
    page = text(r)
    assert 'id="good-rows">1<' in page and 'id="bad-rows">1<' in page and "医籍登録日が卒業年月より前" in page
    assert "住所が郵便番号 060-0001 の都道府県（北海道）と違います" in page
    assert "携帯電話" in re.search(r'id="optional-columns">(.*?)</p>', text(client.get("/members/import")),
                                 re.S).group(1)
    good = out.getvalue().splitlines()
    r = client.post("/members/import", data={"action": "import", "file": (io.BytesIO(
        "\r\n".join(good[:2]).encode("cp932")), "ledger.csv")})
    assert r.status_code == 302, text(r)
    doctor = session.scalar(sa.select(Physician).where(Physician.registry_number == a))
    assert (doctor.sex, doctor.registry_date, doctor.graduated_on, doctor.alma_mater) == (
        "M", dt.date(2016, 5, 1), "2016-03", "札幌医科大学")
    assert (doctor.mobile, doctor.tel, doctor.postal_code, doctor.prefecture, doctor.address) == (
        "090-1111-2222", "0134-22-0000", "047-0032", "北海道", "小樽市稲穂2-1-1")


def test_the_export_streams_every_member_in_scope_however_many(app, session, monkeypatch):
    """No cap: JMA's export is the whole country. Read in small batches here, so that a member
    lost between two batches (or a batch repeated) would show."""
    from membership import members
    from membership.actors import Actor
    from membership.models import UserAccount

    real = members.export_rows
    monkeypatch.setattr(members, "export_rows", lambda *a, **kw: real(*a, **{**kw, "batch": 2}))
    from ..helpers import approved_member

    for _ in range(4):
        approved_member(session, prefix="exp")
    jma = Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@jma")))
    _, total = members.list_members(session, jma, "", limit=1)
    assert total >= 5  # several batches of two
    r = login(app, "staff@jma").get("/members/export.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = r.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "医籍登録番号" and sum(1 for row in rows if row[0] == "医籍登録番号") == 1
    listed, _ = members.list_members(session, jma, "", limit=total)
    assert [(row[3], row[4]) for row in rows[1:]] == [(p.family_kana, p.given_kana) for p in listed]


def test_the_list_narrows_to_current_upcoming_former_or_applying_members_and_to_a_category(app, session):
    import datetime as dt

    from membership import fields, members, memberships

    from ..conftest import actor_for, new_member
    from ..helpers import approved_member, file_enrolment

    staff = actor_for(session, "staff@chuoeast")
    current, _ = approved_member(session, prefix="cur")
    former, _ = approved_member(session, prefix="fmr")
    upcoming, _ = approved_member(session, prefix="upc")
    applying = new_member(session, prefix="apl")
    file_enrolment(session, applying)
    for m in session.scalars(sa.select(Membership).where(Membership.physician_id.in_(
            [current.physician_id, upcoming.physician_id]))):  # the helper's start dates lie ahead
        m.since = fields.today_jst() + dt.timedelta(days=m.physician_id == upcoming.physician_id)  # 入会予定: tomorrow
    for m in session.scalars(sa.select(Membership).where(Membership.physician_id == former.physician_id)):
        memberships.end_membership(session, staff, m, fields.today_jst(), None)  # as a withdrawal ends them
    session.flush()
    ours = {current.physician_id, former.physician_id, applying.physician_id, upcoming.physician_id}

    def listed(**filters):
        rows, total = members.list_members(session, staff, "", limit=10_000, **filters)
        return {p.id for p in rows} & ours

    assert listed() == ours
    assert listed(status="active") == {current.physician_id}
    assert listed(status="upcoming") == {upcoming.physician_id}
    assert listed(status="former") == {former.physician_id}
    assert listed(status="applying") == {applying.physician_id}
    assert listed(status="active", category="A-1") == {current.physician_id}
    assert listed(status="upcoming", category="A-1") == {upcoming.physician_id}
    assert listed(category="B-1") == set()
    with pytest.raises(ValidationFailed) as bad:
        members.list_members(session, staff, "", status="gone")
    assert set(bad.value.fields) == {"status"}
    with pytest.raises(ValidationFailed) as unknown:
        members.list_members(session, staff, "", category="Z-9")
    assert set(unknown.value.fields) == {"category"}

    client = login(app, "staff@chuoeast")
    page = client.get("/members?status=active").get_data(as_text=True)
    assert f'href="/members/{current.physician_id}"' in page and f'href="/members/{former.physician_id}"' not in page
    row = page.split(f'href="/members/{current.physician_id}"', 1)[1].split("</tr>", 1)[0]
    assert "<td>A-1</td>" in row and "<td>会員</td>" in row
    assert f'href="/members/{upcoming.physician_id}"' not in page
    page = client.get("/members?status=upcoming").get_data(as_text=True)
    row = page.split(f'href="/members/{upcoming.physician_id}"', 1)[1].split("</tr>", 1)[0]
    # approved, starting on its desired date: listed apart, marked as not begun
    assert "<td>A-1</td>" in row and "<td>入会予定</td>" in row
    assert f'href="/members/{current.physician_id}"' not in page
    page = client.get("/members?status=applying").get_data(as_text=True)
    row = page.split(f'href="/members/{applying.physician_id}"', 1)[1].split("</tr>", 1)[0]
    # an applicant: the category asked for, said to be asked for
    assert "<td>A-1 （申請中）</td>" in row and "<td>入会申請中</td>" in row
    export = client.get("/members/export.csv?status=active").get_data().decode("utf-8-sig")
    physicians = {p.id: p for p in session.scalars(sa.select(Physician).where(Physician.id.in_(ours)))}
    assert physicians[current.physician_id].email in export
    assert physicians[former.physician_id].email not in export and physicians[applying.physician_id].email not in export
    refused = client.get("/members?status=gone")
    assert refused.status_code == 422 and "会員の状況は一覧から選んでください。" in refused.get_data(as_text=True)


def test_the_export_has_what_fee_collection_needs_and_imports_elsewhere(app, session):
    """Category and joining date in the office, JMA member ID, facility, where mail goes (送付物設定)
    and whether it is stopped; its first ten columns are the import's, so another office can
    import the file as it is."""
    from membership.imports import COLUMNS
    from membership.members import EXPORT_HEADINGS
    from membership.models import Facility, MembershipGroup

    from ..helpers import approved_member

    by_facility, group_id = approved_member(session, prefix="fee")
    at_home, _ = approved_member(session, prefix="fee")
    for member, registry in zip((by_facility, at_home), numbers(2), strict=True):
        physician = session.get(Physician, member.physician_id)
        physician.registry_number, physician.family_kana = registry, "カイヒ"
        physician.birth_date, physician.sex = dt.date(1980, 5, 5), "F"
        session.execute(sa.update(Membership).where(Membership.physician_id == member.physician_id)
                        .values(since=dt.date(2020, 4, 1)))  # members for years (the import takes past dates)
    home = session.get(Physician, at_home.physician_id)
    home.dispatch_to, home.dispatch_stopped = "home", True
    home.postal_code, home.prefecture, home.address = "060-0042", "北海道", "札幌市中央区大通西1"
    session.flush()
    export = login(app, "staff@chuoeast").get("/members/export.csv?q=カイヒ&status=active")
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert tuple(rows[0]) == EXPORT_HEADINGS and tuple(rows[0][:len(COLUMNS)]) == COLUMNS
    # named as a clerk files it (the office, what it is, the day), ASCII beside it for old clients
    from urllib.parse import quote

    from membership.fields import today_jst

    named = f"中央区東支部_会員一覧_{today_jst():%Y%m%d}.csv"
    assert export.headers["Content-Disposition"] == (
        f"attachment; filename=\"members.csv\"; filename*=UTF-8''{quote(named, safe='')}")
    by_registry = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = by_registry[session.get(Physician, by_facility.physician_id).registry_number]
    facility = session.get(Facility, session.get(MembershipGroup, group_id).facility_id)
    physician = session.get(Physician, by_facility.physician_id)
    since = session.scalar(sa.select(Membership.since).where(Membership.physician_id == physician.id,
                                                             Membership.association_id == actor_chuoeast(session)))
    assert (first["会員区分"], first["入会日"], first["日医会員番号"]) == ("A-1", since.isoformat(),
                                                                physician.jma_member_id)
    assert (first["所属施設"], first["送付先"], first["送付先郵便番号"], first["送付停止"]) == (
        facility.name, "所属施設", facility.postal_code, "")
    assert (first["状況"], first["退会日"]) == ("現会員", "")
    assert first["送付先住所"].endswith(facility.address.removeprefix(facility.prefecture))
    second = by_registry[home.registry_number]
    assert (second["送付先"], second["送付先郵便番号"], second["送付先住所"], second["送付停止"]) == (
        "自宅", "060-0042", "北海道札幌市中央区大通西1", "停止")
    # an office of the same line checks the same file for import: every row is good
    check = login(app, "staff@sapporo").post("/members/import", data={
        "action": "check", "file": (io.BytesIO(export.get_data()), "members.csv")}, content_type="multipart/form-data")
    assert len(rows) == 3 and check.status_code == 200 and 'id="good-rows">2<' in text(check)
    assert 'id="bad-rows">0<' in text(check)
    # another line's office may not take chuoeast's current members by import (decision 0053)
    other = login(app, "staff@otaru").post("/members/import", data={
        "action": "check", "file": (io.BytesIO(export.get_data()), "members.csv")}, content_type="multipart/form-data")
    assert 'id="good-rows">0<' in text(other) and text(other).count("入会届を代理で作成") == 2


def actor_chuoeast(session):
    from ..conftest import actor_for

    return actor_for(session, "staff@chuoeast").association_id


def test_an_import_cannot_claim_a_registered_physician_by_number_alone(app, session, monkeypatch):
    """A row with a registered physician's 医籍登録番号 must give that physician's フリガナ and birth
    date: otherwise any office could make anyone its member, then see and act for them."""
    registry = numbers(1)[0]
    physician = session.scalar(sa.select(Physician).join(UserAccount, UserAccount.physician_id == Physician.id)
                               .where(UserAccount.login_id == "nichiitaro"))
    physician.registry_number, physician.birth_date = registry, dt.date(1970, 1, 1)
    session.flush()
    bunkyo = login(app, "staff@bunkyo")
    claim = csv_bytes([[registry, "山田", "一", "ヤマダ", "ハジメ", "1980-01-01", "男", "", "A-1", "2024-04-01"]])
    r = bunkyo.post("/members/import", data={"action": "import", "file": (io.BytesIO(claim), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "フリガナ・生年月日が一致しません" in text(r)
    assert bunkyo.get(f"/members/{physician.id}").status_code == 404  # still not bunkyo's
    same = csv_bytes([[registry, physician.family_name, physician.given_name, physician.family_kana,
                       physician.given_kana, "1970-01-01", "男", "", "A-1", "2024-04-01"]])
    r = bunkyo.post("/members/import", data={"action": "import", "file": (io.BytesIO(same), "m.csv")},
                    content_type="multipart/form-data")
    # the same person, as registered — but a member of another line, who registered in person: an
    # import would hand bunkyo their data, told to nobody; an enrolment filed for them is the way
    assert r.status_code == 422 and "入会届を代理で作成" in text(r)
    assert bunkyo.get(f"/members/{physician.id}").status_code == 404
    # the refused identity was counted (the import rolled back, the count kept): past the day's
    # limit, no file naming a registered physician is checked — kana and birth dates are not guessed
    from membership import imports
    from membership.models import AuditEvent

    bunkyo_id = session.scalar(sa.select(UserAccount.association_id).where(UserAccount.login_id == "staff@bunkyo"))
    assert imports.identity_refusals(session, bunkyo_id) == 1 and session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "members.identity_refused",
                                                                 AuditEvent.object_id == bunkyo_id)) == 1
    claim_checked = bunkyo.post("/members/import", data={"action": "check", "file": (io.BytesIO(claim), "m.csv")},
                                content_type="multipart/form-data")
    assert "一致しません" in text(claim_checked) and imports.identity_refusals(session, bunkyo_id) == 2  # a dry run too
    monkeypatch.setattr(imports, "IDENTITY_REFUSALS_PER_DAY", 2)
    r = bunkyo.post("/members/import", data={"action": "check", "file": (io.BytesIO(same), "m.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "この24時間で2件を超えました" in text(r)
    assert imports.identity_refusals(session, session.scalar(sa.select(
        UserAccount.association_id).where(UserAccount.login_id == "staff@otaru"))) == 0  # per office


def test_a_check_names_the_lines_of_the_file_and_passes_over_excels_empty_rows(session):
    """Line numbers are the file's (a blank line and a quoted cell over two lines counted), rows of
    empty cells — Excel writes them below the data — hold nothing and refuse nothing, a category
    code typed in lower case and a 和暦 date are read."""
    from membership import imports
    from membership.actors import Actor

    staff = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "staff@otaru"))
    a, b, c, d = numbers(4)
    lines = [
        ",".join(imports.COLUMNS),                                                          # line 1
        f"{a},取込,一郎,トリコミ,イチロウ,昭和45年4月1日,男,,a-1,R2.4.1",                     # line 2: good
        "",                                                                                  # line 3
        f'{b},取込,"二郎',                                                                   # line 4 …
        '続き",トリコミ,ジロウ,1971-01-01,男,,A-1,2001-04-01',                               # … line 5
        f"{c},取込,三子,取込,サンコ,1972-02-02,女,,A-1,2001-04-01",                           # line 6: bad kana
        f"{d},取込,四郎,トリコミ,シロウ,1970-01-01,男,,A-1,1960-04-01",                        # line 7: joined unborn
        ",,,,,,,,,", ",,,,,,,,,",                                                            # Excel's trailing rows
    ]
    clean, problems = imports.check(session, Actor.of(staff), ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert [p["line"] for p in problems] == [4, 6, 7]  # the two-line name, the kana: at the lines they start
    assert set(problems[0]["errors"]) == {"名"} and set(problems[1]["errors"]) == {"セイ"}
    assert problems[2]["errors"] == {"入会日": ("too_soon_after_birth", {"years": 20})}
    assert [(r["registry_number"], r["birth_date"], r["since"], r["category"].code) for r in clean] == [
        (a, dt.date(1970, 4, 1), dt.date(2020, 4, 1), "A-1")]


def test_the_export_says_each_rows_standing_in_the_office(app, session):
    """Unfiltered, the file mixes members, those joining later, former members and applicants: a
    状況 column (and the 退会日 of a former member) tells them apart."""
    from ..conftest import new_member
    from ..helpers import approved_member, file_enrolment

    current, _ = approved_member(session, prefix="std")
    former, _ = approved_member(session, prefix="std")
    applying = new_member(session, prefix="std")
    file_enrolment(session, applying, chain=[("chuoeast", "A-1")])
    from membership import memberships
    from membership.actors import SYSTEM

    for held in session.scalars(sa.select(Membership).where(Membership.physician_id == former.physician_id)):
        memberships.end_membership(session, SYSTEM, held, dt.date(2025, 3, 31), None)  # left with its event
    for member, registry in zip((current, former, applying), numbers(3), strict=True):
        physician = session.get(Physician, member.physician_id)
        physician.family_kana, physician.registry_number = "ジョウキョウ", registry
    session.flush()
    export = login(app, "staff@chuoeast").get("/members/export.csv?q=ジョウキョウ")
    rows = list(csv.DictReader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    by_registry = {row["医籍登録番号"]: (row["状況"], row["退会日"]) for row in rows}
    number = {m: session.get(Physician, m.physician_id).registry_number for m in (current, former, applying)}
    assert by_registry[number[current]] == ("現会員", "")
    assert by_registry[number[former]] == ("退会済み", "2025-03-31")
    assert by_registry[number[applying]] == ("入会申請中", "")


def test_a_prefecture_s_import_continues_the_chains_its_cities_imported(session):
    """小樽市医師会 imports its members, then 北海道医師会 imports its own file naming some of them:
    each of those joins the chain 小樽 began (one group, so a withdrawal from 小樽 cascades up),
    and a physician with no chain below (郡市区医師会に入会しない) begins a group of their own."""
    from membership import imports
    from membership.models import MembershipGroup

    from ..conftest import actor_for

    a, b = numbers(2)
    row = [a, "連結", "一郎", "レンケツ", "イチロウ", "1970-04-01", "男", "", "A-1", "2001-04-01"]
    imports.import_members(session, actor_for(session, "staff@otaru"), csv_bytes([row]))
    prefecture_rows = [[a, *row[1:8], "A", "2001-04-01"],
                       [b, "県単", "二郎", "ケンタン", "ジロウ", "1971-05-05", "男", "", "A", "2002-04-01"]]
    assert imports.import_members(session, actor_for(session, "staff@hokkaido"), csv_bytes(prefecture_rows)) == 2
    chain = {m.association.code: m.group_id for m in session.scalars(sa.select(Membership).join(Physician).where(
        Physician.registry_number == a))}
    assert set(chain) == {"otaru", "hokkaido"} and chain["otaru"] == chain["hokkaido"]
    alone = session.scalars(sa.select(Membership).join(Physician).where(Physician.registry_number == b)).all()
    assert [m.association.code for m in alone] == ["hokkaido"]
    assert session.scalar(sa.select(sa.func.count()).select_from(MembershipGroup).where(
        MembershipGroup.id == alone[0].group_id)) == 1
    # the other order: the prefecture first, then the city — the city's membership joins that chain
    imports.import_members(session, actor_for(session, "staff@otaru"), csv_bytes([[b, *prefecture_rows[1][1:8],
                                                                                    "A-1", "2002-04-01"]]))
    chain = {m.association.code: m.group_id for m in session.scalars(sa.select(Membership).join(Physician).where(
        Physician.registry_number == b))}
    assert set(chain) == {"otaru", "hokkaido"} and chain["otaru"] == chain["hokkaido"]


def test_jma_imports_only_members_of_a_prefecture_and_a_city_fills_the_bottom_of_any_chain(session):
    """SPEC §1: only layers 3 and 4 may be skipped, so JMA's file cannot name a physician no
    prefecture holds (the chain would have a hole the withdrawal cascade cannot follow): the row is
    refused saying which import comes first. Prefecture, then JMA, then the city: one group of
    three, whatever the order the offices import in."""
    from membership import imports, integrity
    from membership.errors import ValidationFailed
    from membership.models import MembershipGroup

    from ..conftest import actor_for

    (a,) = numbers(1)
    person = [a, "三層", "太郎", "サンソウ", "タロウ", "1968-06-01", "男", ""]
    jma, city = actor_for(session, "staff@jma"), actor_for(session, "staff@otaru")
    with pytest.raises(ValidationFailed) as refused:
        imports.import_members(session, jma, csv_bytes([[*person, "A1", "2001-04-01"]]))
    [problem] = refused.value.problems
    assert problem["errors"] == {"医籍登録番号": ("jma_needs_prefecture", {})}
    imports.import_members(session, city, csv_bytes([[*person, "A-1", "2001-04-01"]]))
    with pytest.raises(ValidationFailed):  # a city's member is not yet a prefecture's
        imports.import_members(session, jma, csv_bytes([[*person, "A1", "2001-04-01"]]))
    imports.import_members(session, actor_for(session, "staff@hokkaido"), csv_bytes([[*person, "A", "2001-04-01"]]))
    assert imports.import_members(session, jma, csv_bytes([[*person, "A1", "2001-04-01"]])) == 1
    chain = {m.association.code: m.group_id for m in session.scalars(sa.select(Membership).join(Physician).where(
        Physician.registry_number == a))}
    assert set(chain) == {"otaru", "hokkaido", "jma"} and len(set(chain.values())) == 1

    # two groups, a city's alone in one: JMA joins the one its prefecture holds
    (b,) = numbers(1)
    other = [b, "二群", "花子", "ニグン", "ハナコ", "1972-01-01", "女", ""]
    imports.import_members(session, actor_for(session, "staff@bunkyo"), csv_bytes([[*other, "A-1", "2001-04-01"]]))
    imports.import_members(session, actor_for(session, "staff@tokyo"), csv_bytes([[*other, "A", "2001-04-01"]]))
    # another line's import may not add them (decision 0053); a membership there of a group of its
    # own (as an enrolment to 札幌市医師会 would make it) is a second group
    sapporo = actor_for(session, "staff@sapporo")
    with pytest.raises(ValidationFailed) as refused:
        imports.import_members(session, sapporo, csv_bytes([[*other, "A-1", "2001-04-01"]]))
    assert refused.value.problems[0]["errors"] == {"医籍登録番号": ("import_known_elsewhere", {})}
    physician = session.scalar(sa.select(Physician).where(Physician.registry_number == b))
    second = MembershipGroup(physician_id=physician.id)
    session.add(second)
    session.flush()
    category = session.scalar(sa.select(MemberCategory.id).where(
        MemberCategory.association_id == sapporo.association_id, MemberCategory.code == "A-1"))
    session.add(Membership(group_id=second.id, physician_id=physician.id, association_id=sapporo.association_id,
                           layer=3, since=dt.date(2001, 4, 1), status="active", category_id=category))
    session.flush()
    session.add(MembershipEvent(membership_id=session.scalar(sa.select(sa.func.max(Membership.id))),
                                physician_id=physician.id, association_id=sapporo.association_id, kind="joined",
                                on_date=dt.date(2001, 4, 1)))
    session.flush()
    assert imports.import_members(session, jma, csv_bytes([[*other, "A1", "2001-04-01"]])) == 1
    held = {m.association.code: m.group_id for m in session.scalars(sa.select(Membership).join(Physician).where(
        Physician.registry_number == b))}
    assert held["jma"] == held["tokyo"] == held["bunkyo"] != held["sapporo"]
    assert not [p for p in integrity.check_groups(session) if "without a prefecture" in p]

    # a JMA membership whose prefecture is missing is a broken chain to the integrity check
    group = session.get(MembershipGroup, chain["jma"])
    prefecture = next(m for m in group.memberships if m.association.code == "hokkaido")
    prefecture.status = "moved"  # (as if a transfer had replaced it and brought none in its place)
    session.flush()
    assert [p for p in integrity.check_groups(session) if p.startswith(f"group {group.id}:")] == [
        f"group {group.id}: active at JMA without a prefecture"]
    prefecture.status = "active"
    session.flush()


def test_jmas_import_gives_its_members_their_number_from_the_file_or_a_new_one(session):
    """日医会員番号: the export writes it, JMA's import reads it back (10 digits from 3; another's, or a
    second one, refused); a member JMA imports without one is given one, as an approval does."""
    import random

    from membership import imports
    from membership.errors import ValidationFailed

    from ..conftest import actor_for

    a, b = numbers(2)
    rows = {a: [a, "番号", "一郎", "バンゴウ", "イチロウ", "1970-01-01", "男", ""],
            b: [b, "番号", "二郎", "バンゴウ", "ジロウ", "1971-01-01", "男", ""]}
    for row in rows.values():
        imports.import_members(session, actor_for(session, "staff@hokkaido"), csv_bytes([[*row, "A", "2001-04-01"]]))
    jma = actor_for(session, "staff@jma")

    def with_numbers(lines):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*imports.COLUMNS, "日医会員番号"])
        writer.writerows(lines)
        return out.getvalue().encode()

    given = f"3{random.randrange(10**9):09d}"
    with pytest.raises(ValidationFailed) as refused:
        imports.import_members(session, jma, with_numbers([[*rows[a], "A1", "2001-04-01", "2123456789"]]))
    assert refused.value.problems[0]["errors"]["日医会員番号"][0] == "jma_member_id_rule"
    with pytest.raises(ValidationFailed) as refused:  # one number for two physicians
        imports.import_members(session, jma, with_numbers([[*rows[a], "A1", "2001-04-01", given],
                                                           [*rows[b], "A1", "2001-04-01", given]]))
    assert {p["errors"]["日医会員番号"][0] for p in refused.value.problems} == {"jma_member_id_taken"}
    assert imports.import_members(session, jma, with_numbers([[*rows[a], "A1", "2001-04-01", given],
                                                              [*rows[b], "A1", "2001-04-01", ""]])) == 2
    ids = dict(session.execute(sa.select(Physician.registry_number, Physician.jma_member_id).where(
        Physician.registry_number.in_([a, b]))).all())
    assert ids[a] == given and ids[b] and ids[b] != given and ids[b].startswith("3") and len(ids[b]) == 10


def test_an_import_leaves_a_pending_enrolment_to_its_review_and_an_approval_never_makes_a_second_member(
        session, monkeypatch):
    """A physician whose application to join the office is under review is refused in that office's
    import (the review decides it); and should a membership appear beside it all the same, the
    approval is refused instead of starting a second one."""
    from engine import tasks
    from membership import imports
    from membership.memberships import AlreadyMember

    from ..conftest import actor_for, new_member
    from ..helpers import file_enrolment, open_task_for

    member = new_member(session, prefix="imp")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number, physician.birth_date = numbers(1)[0], dt.date(1975, 5, 5)
    session.flush()
    app = file_enrolment(session, member)
    row = [physician.registry_number, "試験", "一郎", "シケン", "イチロウ", "1975-05-05", "男", "", "A-1", "2020-04-01"]
    chuoeast = actor_for(session, "staff@chuoeast")
    clean, problems = imports.check(session, chuoeast, csv_bytes([row]))
    assert clean == [] and problems == [{"line": 2, "errors": {"医籍登録番号": (
        "import_pending_application", {"application_id": app.id})}}]
    with pytest.raises(ValidationFailed):
        imports.import_members(session, chuoeast, csv_bytes([row]))
    # another office's import is not this review's business (it is refused for its own reason: the
    # physician registered in person, and is asked for by an enrolment)
    _clean, problems = imports.check(session, actor_for(session, "staff@bunkyo"), csv_bytes([row]))
    assert problems == [{"line": 2, "errors": {"医籍登録番号": ("import_known_elsewhere", {})}}]
    # a membership of chuoeast that got in all the same (the import's check blinded): the approval is refused
    monkeypatch.setattr(imports, "joining", lambda *args: {})
    monkeypatch.setattr(imports, "_outside_the_line", lambda *args: None)
    assert imports.import_members(session, chuoeast, csv_bytes([row])) == 1
    monkeypatch.undo()
    chuoeast_id = chuoeast.association_id
    task = open_task_for(session, chuoeast, app.id)
    with pytest.raises(AlreadyMember), session.begin_nested():
        tasks.complete_task(session, chuoeast, task.id, "approve")
    assert session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.physician_id == physician.id, Membership.association_id == chuoeast_id)) == 1


def test_every_export_of_personal_data_is_in_the_audit_trail(app, session):
    """Who took which members' data away: the member CSV, the 認定医名簿 CSV and the board material."""
    from membership.models import AuditEvent

    client = login(app, "staff@chuoeast")

    def latest(action):
        return session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                               .order_by(AuditEvent.id.desc())).first()

    assert client.get("/members/export.csv?status=active").status_code == 200
    row = latest("members.export")
    assert row is not None and row.detail["filters"] == {"status": "active"}
    assert client.get("/members/certified.csv").status_code == 200
    assert latest("certificate.roster_export") is not None
