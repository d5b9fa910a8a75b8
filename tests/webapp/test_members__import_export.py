"""データ取込み: a dry run lists every row's errors; the import is all or nothing. And CSV export."""

from __future__ import annotations

import csv
import io
import uuid

import sqlalchemy as sa

from membership.models import Membership, Physician

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
