"""ログイン通知の一括発行: the office's members without a login get temporary credentials in one
transaction, as one PDF (a page each, addressed); those never used can be issued again, which
voids the earlier ones; nobody outside the office is touched."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from membership import accounts, registration
from membership.models import Physician, UserAccount

from ..conftest import actor_for
from ..helpers import login_client as login
from .test_members__import_export import csv_bytes, numbers


def _import_three(app, session):
    a, b, c = numbers(3)
    rows = [[n, "一括", given, "イッカツ", kana, "1970-04-01", "男", "", "A-1", "2001-04-01"]
            for n, given, kana in ((a, "一郎", "イチロウ"), (b, "二郎", "ジロウ"), (c, "三郎", "サブロウ"))]
    r = login(app, "staff@otaru").post("/members/import", data={
        "action": "import", "file": (io.BytesIO(csv_bytes(rows)), "m.csv")}, content_type="multipart/form-data")
    assert r.status_code == 302
    imported = session.scalars(sa.select(Physician).where(Physician.registry_number.in_([a, b, c]))
                               .order_by(Physician.given_kana)).all()
    home = imported[0]
    home.postal_code, home.prefecture, home.address, home.dispatch_to = "047-0001", "北海道", "小樽市若竹町1-2", "home"
    session.flush()
    return imported


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_office_issues_login_notices_in_bulk_and_again_for_those_never_used(app, session):
    imported = _import_three(app, session)
    ours = {p.id for p in imported}
    otaru = actor_for(session, "staff@otaru")
    ids, total = registration.credential_candidates(session, otaru, "none")
    assert ours <= set(ids) and total == len(ids)
    assert not ours & set(registration.credential_candidates(session, actor_for(session, "staff@sapporo"), "none")[0])

    client = login(app, "staff@otaru")
    page = client.get("/members/credentials").get_data(as_text=True)
    assert re.search(rf'id="count-none">{total}<', page)
    # the two imported without any address are pointed out before printing (the third lives at home)
    assert re.search(r'id="unaddressed-none">\d+名は住所', page)
    r = client.post("/members/credentials", data={"target": "none"})
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.headers["Cache-Control"] == "no-store"
    texts = pages(r.data)
    assert len(texts) == total
    issued = {a.physician_id: a for a in session.scalars(sa.select(UserAccount).where(
        UserAccount.physician_id.in_(ours)))}
    assert set(issued) == ours and all(a.must_change_credentials for a in issued.values())
    for p in imported:
        text = next(t for t in texts if issued[p.id].login_id in t)
        assert f"{p.family_name} {p.given_name} 様" in text
    home_page = next(t for t in texts if issued[imported[0].id].login_id in t)
    assert "〒047-0001" in home_page and "小樽市若竹町1-2" in home_page  # addressed for the envelope
    password = re.search(r"パスワード\s*([A-Za-z0-9!@%&#]{12})", home_page).group(1)
    first = issued[imported[0].id]
    assert "$m=4096,t=1,p=1$" in first.password_hash  # a machine-made password is hashed lightly (0030)
    assert accounts.authenticate(session, first.login_id, password, "127.0.0.1") is first
    assert "$m=65536,t=3,p=4$" in first.password_hash  # the first login rehashes at the full cost
    assert accounts.verify_password(first, password)
    assert registration.credential_candidates(session, otaru, "none")[1] == 0

    # one logs in; the two others never do and are issued again: their first notices stop working
    issued[imported[0].id].last_login_at = issued[imported[0].id].created_at
    session.flush()
    old_logins = {pid: a.login_id for pid, a in issued.items()}
    unused, _ = registration.credential_candidates(session, otaru, "unused")
    assert set(unused) & ours == ours - {imported[0].id}
    r = client.post("/members/credentials", data={"target": "unused"})
    assert r.status_code == 200 and len(pages(r.data)) == len(unused)
    session.expire_all()
    again = {a.physician_id: a.login_id for a in session.scalars(sa.select(UserAccount).where(
        UserAccount.physician_id.in_(ours)))}
    assert again[imported[0].id] == old_logins[imported[0].id]
    assert all(again[pid] != old_logins[pid] for pid in ours - {imported[0].id})

    assert login(app, "nichiitaro").get("/members/credentials").status_code == 403
    r = client.post("/members/credentials", data={"target": "none"}, follow_redirects=True)
    assert "発行の対象となる会員はいません" in r.get_data(as_text=True)
