"""保険・年金の加入状況: an administrator imports JMA's data on 医賠責, its 特約保険 and the 医師年金
(dry run, all or nothing, a row replaces the standing, the same file twice changes nothing); the
member sees theirs on My Page, the member's offices on the member's page, no one else."""

from __future__ import annotations

import io
import re
import uuid

from membership import benefits
from membership.models import Physician

from ..helpers import approved_member
from ..helpers import login_client as login


def text(r):
    return r.get_data(as_text=True)


def test_benefit_standings_imported_and_shown(app, session):
    member, _ = approved_member(session, prefix="bnf")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = number = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    admin = login(app, "admin001")
    header = "医籍登録番号,種類,加入状況,加入日\n"
    good = f"{number},liability,加入,2015-04-01\n{number},pension,未加入,\n"
    bad = header + good + f"000000,car,入った,2015-13-01\n{number},pension,加入,\n"
    page = text(admin.post("/admin/benefits/import", data={"action": "check",
                                                          "file": (io.BytesIO(bad.encode("cp932")), "b.csv")}))
    assert re.search(r'id="good-rows">2<', page) and re.search(r'id="bad-rows">2<', page)
    errors = re.search(r'id="import-errors".*?</table>', page, re.S).group(0)
    for column in ("医籍登録番号", "種類", "加入状況", "加入日"):
        assert column in errors, column
    r = admin.post("/admin/benefits/import", data={"action": "import", "file": (io.BytesIO(bad.encode()), "b.csv")})
    assert r.status_code == 422 and benefits.of_physician(session, member.physician_id) == {}
    for _ in range(2):
        r = admin.post("/admin/benefits/import", data={"action": "import",
                                                       "file": (io.BytesIO((header + good).encode()), "b.csv")})
        assert r.status_code == 302
    held = benefits.of_physician(session, member.physician_id)
    assert {k: (b.status, b.since and b.since.isoformat()) for k, b in held.items()} == {
        "liability": ("enrolled", "2015-04-01"), "pension": ("not_enrolled", None)}
    # a later file replaces the standing
    admin.post("/admin/benefits/import", data={"action": "import", "file": (io.BytesIO(
        (header + f"{number},pension,加入,2026-04-01\n").encode()), "b.csv")})
    session.expire_all()
    assert benefits.of_physician(session, member.physician_id)["pension"].status == "enrolled"

    mine = re.search(r'id="benefits".*?</table>', text(login(app, member.login_id).get("/mypage/")), re.S).group(0)
    assert re.search(r"日本医師会医師賠償責任保険</td><td>加入</td>\s*<td>2015/04/01", mine)
    assert re.search(r"日医医賠責特約保険</td><td>情報なし", mine) and re.search(r"日医医師年金</td><td>加入", mine)
    office = text(login(app, "staff@sapporo").get(f"/members/{member.physician_id}"))
    assert "保険・年金の加入状況" in office and "2015/04/01" in office
    assert login(app, "staff@tokyo").get(f"/members/{member.physician_id}").status_code == 404
    assert login(app, "staff@sapporo").get("/admin/benefits/import").status_code == 403


def test_a_file_as_excel_or_jma_writes_it_is_read(app, session):
    """A heading with a space after it, a scheme by its Japanese name, a date with its time and a
    registry number whose leading zero Excel dropped are read as meant."""
    import sqlalchemy as sa

    from membership.actors import Actor
    from membership.models import UserAccount

    member, _ = approved_member(session, prefix="xls")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = "0" + f"{uuid.uuid4().int % 90000 + 10000}"  # 0xxxxx
    session.flush()
    dropped = physician.registry_number.lstrip("0")
    text_ = f"医籍登録番号 ,種類, 加入状況,加入日\n{dropped},日医医師年金,加入,2020-04-01 00:00:00\n"
    admin = Actor.of(session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "admin001")))
    clean, problems = benefits.check(session, admin, text_.encode("utf-8-sig"))
    assert problems == []
    assert [(r["physician_id"], r["kind"], r["status"], r["since"].isoformat()) for r in clean] == [
        (physician.id, "pension", "enrolled", "2020-04-01")]
