"""単位・認定 on My Page: the ledger, eligibility with what is missing, applying, the certificate
PDF (read back) and the public verification page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from engine import tasks
from membership import certifications
from membership.fields import today_jst

from ..conftest import actor_for
from ..helpers import approved_member, open_task_for
from ..helpers import login_client as login

TODAY = today_jst()


@pytest.fixture(autouse=True)
def _today():
    """Today in Japan as each test starts (a run may cross midnight JST, 15:00 UTC)."""
    global TODAY
    TODAY = today_jst()


def text(r):
    return r.get_data(as_text=True)


def _credit(session, member, category, amount):
    certifications.add_credits(session, member, member.physician_id, "occupational", category, amount,
                               TODAY - dt.timedelta(days=10), "session", "産業医研修会（札幌）")


def test_ledger_eligibility_apply_certificate_and_verification(app, session):
    member, _ = approved_member(session)
    _credit(session, member, "basic_early", 14)
    _credit(session, member, "basic_practical", 10)
    _credit(session, member, "basic_late", 20)
    client = login(app, member.login_id)
    page = text(client.get("/mypage/credits"))
    assert "単位が足りません" in page and "産業医研修会（札幌）" in page
    occupational = re.search(r'id="eligibility-occupational".*?</article>', page, re.S).group(0)
    assert re.search(r"基礎研修（後期）</td><td>26</td><td>20</td><td>6", occupational)
    assert "認定を申請する" not in occupational
    # applying anyway is refused with the reason
    r = client.post("/mypage/certification/apply", data={"system": "occupational"}, follow_redirects=True)
    assert "単位が要件に足りない" in text(r)

    assert client.get("/mypage/certification/apply?system=occupational").status_code == 302  # not yet: no 確認
    _credit(session, member, "basic_late", 6)
    page = text(client.get("/mypage/credits"))
    assert "申請できます" in re.search(r'id="eligibility-occupational".*?</article>', page, re.S).group(0)
    # the 確認 step: the system, new or renewal, the reviewers in order, the credits — nothing filed yet
    assert 'href="/mypage/certification/apply?system=occupational"' in page
    confirm = text(client.get("/mypage/certification/apply?system=occupational"))
    summary = re.search(r'id="certification-confirm">(.*?)</dl>', confirm, re.S).group(1)
    assert "認定産業医" in summary and "新規" in summary and "札幌市医師会 → 北海道医師会 → 日本医師会" in summary
    assert 'name="documents"' in confirm and "基礎研修（後期）</td><td>26</td><td>26" in confirm
    # a document of a type that is not allowed: nothing is filed
    r = client.post("/mypage/certification/apply", data={"system": "occupational", "documents": [
        (io.BytesIO(b"just text"), "note.txt")]})
    # the same confirmation again, the reason beside the file input (not a redirect to the long credits page)
    assert r.status_code == 422 and 'id="error-file"' in text(r) and 'id="certification-confirm"' in text(r)
    r = client.post("/mypage/certification/apply", data={"system": "occupational", "documents": [
        (io.BytesIO(b"%PDF-1.4\n%fake but sniffed as PDF\n"), "修了証.pdf")]})
    assert r.status_code == 302
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    mypage = text(client.get("/mypage/"))
    assert f"認定申請 #{app_id}" in mypage
    # while it is under review the credits page says so and offers no second application
    card = re.search(r'id="eligibility-occupational".*?</article>', text(client.get("/mypage/credits")), re.S).group(0)
    assert "審査中" in card and f"/mypage/applications/{app_id}" in card and 'name="system"' not in card

    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        task = open_task_for(session, staff, app_id)
        staff_client = login(app, f"staff@{code}")
        staff_page = text(staff_client.get(f"/tasks/{task.id}"))
        assert "認定産業医（新規）" in staff_page and "基礎研修（後期） 26" in staff_page
        assert "修了証.pdf" in staff_page  # every layer sees the document
        board = staff_client.post("/inbox/export", data={"task_ids": [str(task.id)], "scope": "selected",
                                                          "format": "csv-utf8"}).get_data().decode("utf-8-sig")
        assert "認定産業医（新規） 基礎研修（前期） 14・基礎研修（実地） 10・基礎研修（後期） 26" in board
        # each layer approves in bulk after its board meeting; an item that fails fails alone
        r = staff_client.post("/inbox/bulk", data={"task_ids": [str(task.id), "999999"]}, follow_redirects=True)
        assert "一括承認: 1 / 2" in text(r)
        session.expire_all()
    [cert] = certifications.certificates_of(session, member.physician_id)
    page = text(client.get("/mypage/credits"))
    assert cert.number in page and "有効" in page

    pdf = client.get(f"/mypage/certificates/{cert.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    content = reader.pages[0].extract_text()
    assert "認 定 証" in content and cert.number in content and cert.verification_code in content
    fonts = {f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("IPAex" in str(name) for name in fonts)  # the Japanese font is embedded
    other, _ = approved_member(session, prefix="oth")
    assert login(app, other.login_id).get(f"/mypage/certificates/{cert.id}.pdf").status_code == 404

    anonymous = app.test_client()
    r = anonymous.get(f"/verify?code={cert.verification_code}")
    assert r.status_code == 200 and 'data-state="valid"' in text(r) and cert.number in text(r)
    assert "医籍登録番号" not in text(r) and "@" not in re.search(r'id="verify-result".*?</section>', text(r),
                                                                re.S).group(0)
    assert anonymous.get("/verify?code=NOPE12345678").status_code == 404
    # an admin revokes it (with a reason): the public check says so
    admin = login(app, "admin001")
    assert cert.number in text(admin.get(f"/admin/certificates?number={cert.number}"))
    r = admin.post("/admin/certificates", data={"number": cert.number, "action": "revoke", "reason": ""})
    assert r.status_code == 422 and "理由を入力してください" in text(r)
    assert admin.post("/admin/certificates", data={"number": cert.number, "action": "revoke",
                                                   "reason": "虚偽申請"}).status_code == 302
    assert 'data-state="revoked"' in text(anonymous.get(f"/verify?code={cert.verification_code}"))
    assert login(app, "staff@jma").post("/admin/certificates", data={"number": cert.number}).status_code == 403
    session.refresh(cert)
    cert.status = "active"
    cert.valid_until = TODAY - dt.timedelta(days=1)
    session.flush()
    assert 'data-state="expired"' in text(anonymous.get(f"/verify?code={cert.verification_code}"))


def test_the_lifelong_certificate_from_my_page_to_its_pdf(app, session):
    """日医生涯教育認定証: My Page shows credits plus curriculum codes against the rule, the reviewers
    see both figures, and the certificate says what it certifies."""
    member, _ = approved_member(session, prefix="llc")
    for category, amount in (("lecture", 45), ("e_learning", 5), *((f"cc{n}", 1) for n in range(1, 10))):
        certifications.add_credits(session, member, member.physician_id, "lifelong", category, amount,
                                   TODAY - dt.timedelta(days=40), "session", "生涯教育講座")
    client = login(app, member.login_id)
    card = re.search(r'id="eligibility-lifelong".*?</article>', text(client.get("/mypage/credits")), re.S).group(0)
    assert "単位が足りません" in card and re.search(r"（3年間）</td><td>60</td><td>59</td><td>1", card)
    certifications.add_credits(session, member, member.physician_id, "lifelong", "cc10", 1,
                               TODAY - dt.timedelta(days=2), "e_learning")
    card = re.search(r'id="eligibility-lifelong".*?</article>', text(client.get("/mypage/credits")), re.S).group(0)
    assert "申請できます" in card and "生涯教育の認定を申請する" in card
    r = client.post("/mypage/certification/apply", data={"system": "lifelong"})
    assert r.status_code == 302
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    for code in ("sapporo", "hokkaido", "jma"):
        staff = actor_for(session, f"staff@{code}")
        task = open_task_for(session, staff, app_id)
        staff_page = text(login(app, f"staff@{code}").get(f"/tasks/{task.id}"))
        assert "生涯教育（新規）" in staff_page and re.search(r"単位数 50、", staff_page)
        assert re.search(r"カリキュラムコード数 10", staff_page)
        tasks.complete_task(session, staff, task.id, "approve")
    [cert] = certifications.certificates_of(session, member.physician_id)
    content = PdfReader(io.BytesIO(client.get(f"/mypage/certificates/{cert.id}.pdf").data)).pages[0].extract_text()
    assert "日医生涯教育認定証" in content and "生涯教育制度" in content and cert.number in content
    assert cert.number.startswith("LL") and "認定産業医" not in content


def test_lifelong_declaration_and_the_yearly_credit_statement(app, session):
    member, _ = approved_member(session)
    client = login(app, member.login_id)
    r = client.post("/mypage/declaration", data={"earned_on": "2099-01-01", "category": "gift", "title": "",
                                                 "credits": "0.3"})
    assert r.status_code == 422
    page = text(r)
    assert "学習内容を入力してください" in page and "学習の種類" in page
    r = client.post("/mypage/declaration", data={"earned_on": TODAY.isoformat(), "category": "lecture",
                                                 "title": "地域医療連携の勉強会", "credits": "1.3"})
    assert r.status_code == 422 and "0.5単位きざみ" in text(r)
    r = client.post("/mypage/declaration", data={"earned_on": TODAY.isoformat(), "category": "lecture",
                                                 "title": "地域医療連携の勉強会", "credits": "１．５"})
    assert r.status_code == 302
    page = text(client.get("/mypage/credits"))
    ledger = re.search(r'id="ledger-lifelong".*?</article>', page, re.S).group(0)
    assert "地域医療連携の勉強会" in ledger and "自己申告" in ledger and "1.5" in ledger
    r = client.post("/mypage/declaration", data={"earned_on": "2099-01-01", "category": "lecture",
                                                 "title": "未来の勉強会", "credits": "1"})
    assert r.status_code == 422 and "学習日に未来の日付は入力できません" in text(r)
    r = client.post("/mypage/declaration", data={"earned_on": "1900-01-01", "category": "lecture",
                                                 "title": "古い勉強会", "credits": "1"})
    assert r.status_code == 422 and "学習日は" in text(r) and "以降の日付にしてください" in text(r)
    assert client.get("/mypage/credits/lifelong-99999.pdf").status_code == 404  # no such year
    assert client.get(f"/mypage/credits/lifelong-{TODAY.year - 30}.pdf").status_code == 404  # nothing earned
    pdf = client.get(f"/mypage/credits/lifelong-{TODAY.year}.pdf")
    content = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "学習単位取得証" in content and "地域医療連携の勉強会" in content and "1.5 単位" in content


def test_primary_care_activities_then_the_prefectures_certificate_of_completion(app, session):
    """かかりつけ医機能研修: the member reports 実地研修 activities on My Page, sees what is missing
    (the 日医生涯教育認定証 too), applies; the city and the prefecture review it, and the
    prefecture's approval issues the 修了証書 that names it."""
    from membership.models import Certificate, Notification

    member, _ = approved_member(session, prefix="pcc")
    certifications.add_credits(session, member, member.physician_id, "primary_care", "applied", 10,
                               TODAY - dt.timedelta(days=20), "session", "かかりつけ医機能研修制度 応用研修会")
    client = login(app, member.login_id)
    r = client.post("/mypage/activity", data={"earned_on": "2099-01-01", "activity": "act_golf", "detail": " "})
    assert r.status_code == 422
    page = text(r)
    assert "活動の内容を入力してください" in page and "活動は一覧から選んでください" in page
    r = client.post("/mypage/activity", data={"earned_on": "2099-01-01", "activity": "act_school", "detail": "学校医"})
    assert r.status_code == 422 and 'id="error-earned_on"' in text(r)
    day = (TODAY - dt.timedelta(days=5)).isoformat()
    assert client.post("/mypage/activity", data={"earned_on": day, "activity": "act_home_visit",
                                                 "detail": "訪問診療 3件"}).status_code == 302
    r = client.post("/mypage/activity", data={"earned_on": day, "activity": "act_home_visit", "detail": "重複"})
    assert r.status_code == 422 and "この日のこの活動はすでに報告しています" in text(r)
    card = re.search(r'id="eligibility-primary_care".*?</article>', text(client.get("/mypage/credits")), re.S).group(0)
    assert "単位が足りません" in card and "札幌市医師会 → 北海道医師会" in card and "日本医師会" not in card
    assert re.search(r"実地研修の活動の種類</td><td>2</td><td>1</td><td>1", card)
    assert re.search(r"基本研修（日医生涯教育認定証）</td><td>1</td><td>0</td><td>1", card)

    assert client.post("/mypage/activity", data={"earned_on": day, "activity": "act_care_meeting",
                                                 "detail": "地域ケア会議"}).status_code == 302
    session.add(Certificate(physician_id=member.physician_id, system="lifelong", mode="new", number="LLPCC-1",
                            valid_from=TODAY - dt.timedelta(days=30), verification_code="PCCLIFELONG1",
                            valid_until=TODAY + dt.timedelta(days=1000)))
    session.flush()
    page = text(client.get("/mypage/credits"))
    ledger = re.search(r'id="ledger-primary_care".*?</article>', page, re.S).group(0)
    assert "訪問診療の実施" in ledger and "地域ケア会議等への参加" in ledger and "主治医意見書の記載" not in ledger
    card = re.search(r'id="eligibility-primary_care".*?</article>', page, re.S).group(0)
    assert "申請できます" in card
    r = client.post("/mypage/certification/apply", data={"system": "primary_care"}, follow_redirects=True)
    assert "札幌市医師会 → 北海道医師会" in text(r)
    app_id = int(r.request.path.rsplit("/", 1)[1])
    for code in ("sapporo", "hokkaido"):
        staff = actor_for(session, f"staff@{code}")
        task = open_task_for(session, staff, app_id)
        staff_page = text(login(app, f"staff@{code}").get(f"/tasks/{task.id}"))
        assert "かかりつけ医機能研修（新規）" in staff_page and "実地研修の活動の種類 2" in staff_page
        tasks.complete_task(session, staff, task.id, "approve")
    assert open_task_for(session, actor_for(session, "staff@jma"), app_id) is None
    cert = next(c for c in certifications.certificates_of(session, member.physician_id) if c.system == "primary_care")
    content = PdfReader(io.BytesIO(client.get(f"/mypage/certificates/{cert.id}.pdf").data)).pages[0].extract_text()
    assert "修 了 証 書" in content and "かかりつけ医機能研修" in content and "北海道医師会" in content
    flat = content.replace(" ", "")
    assert "修了証番号" in flat and "この修了証書の有効性" in flat and "認定証" not in flat
    assert "日本医師会" not in content.replace("日本医師会かかりつけ医機能研修制度", "")
    mail = session.query(Notification).filter(Notification.subject.contains("修了証書")).one()
    assert "北海道医師会の承認により" in mail.body


def test_admins_import_credits_all_or_nothing(app, session):
    import uuid

    import sqlalchemy as sa

    from membership.models import CreditEntry, Physician

    member, _ = approved_member(session)
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    header = "医籍登録番号,制度,区分,単位数,取得日,取得方法,内容\n"
    number = physician.registry_number
    good = (f"{number},lifelong,e_learning,1,{TODAY.isoformat()},e_learning,日医e-ラーニング 第12回\n"
            f"{number},occupational,update,2,2020-04-01,paper,紙の単位シール\n")
    bad = header + good + "000000,occupational,nope,-1,2099-01-01,gift,\n"
    admin = login(app, "admin001")

    def count():
        return session.scalar(sa.select(sa.func.count()).select_from(CreditEntry).where(
            CreditEntry.physician_id == member.physician_id))

    r = admin.post("/admin/credits/import", data={"action": "check", "file": (io.BytesIO(bad.encode("cp932")),
                                                                              "credits.csv")})
    page = text(r)
    assert re.search(r'id="good-rows">2<', page) and re.search(r'id="bad-rows">1<', page)
    for column in ("医籍登録番号", "区分", "単位数", "取得日", "取得方法"):
        assert column in re.search(r'id="import-errors".*?</table>', page, re.S).group(0), column
    r = admin.post("/admin/credits/import", data={"action": "import", "file": (io.BytesIO(bad.encode()), "c.csv")})
    assert r.status_code == 422 and count() == 0  # one bad row: nothing written
    for _ in range(2):  # the second time adds nothing
        r = admin.post("/admin/credits/import", data={"action": "import",
                                                      "file": (io.BytesIO(("\ufeff" + header + good).encode()),
                                                               "c.csv")})
        assert r.status_code == 302
    assert count() == 2
    # two identical rows in one file are two credits (two modules on one day), and stay two when the
    # file is imported again
    twice = f"{number},lifelong,e_learning,1,{TODAY.isoformat()},e_learning,日医e-ラーニング\n" * 2
    for _ in range(2):
        r = admin.post("/admin/credits/import", data={"action": "import",
                                                      "file": (io.BytesIO((header + twice).encode()), "c.csv")})
        assert r.status_code == 302
    assert count() == 4
    assert login(app, "staff@sapporo").get("/admin/credits/import").status_code == 403


def test_admins_import_certificates_issued_before_the_system_all_or_nothing(app, session):
    """認定証データの取込み: a dry run names every bad row and column; one bad row writes nothing; the
    same file twice adds nothing; the imported certificates are on My Page and checked publicly."""
    import uuid

    import sqlalchemy as sa

    from membership.models import Certificate, Physician

    member, _ = approved_member(session, prefix="cim")
    other, _ = approved_member(session, prefix="cio")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = number = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    tag = uuid.uuid4().hex[:6].upper()
    taken = certifications.add_existing(session, None, other.physician_id, "sports", f"TAKEN-{tag}",
                                        TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=100))
    header = "医籍登録番号,制度,認定番号,有効期間開始,有効期間終了\n"
    good = (f"{number},occupational,OC-{tag}-1,2022-04-01,2027-03-31\n"
            f"{number},lifelong,LL-{tag}-2,2020-04-01,2023-03-31\n")
    bad = header + good + (f"000000,golf,{taken.number},2020-04-01,2019-03-31\n"
                           f"{number},sports,OC-{tag}-1,2020-04-01,2030-13-01\n")
    admin = login(app, "admin001")

    def mine():
        return session.scalars(sa.select(Certificate.number).where(
            Certificate.physician_id == member.physician_id).order_by(Certificate.number)).all()

    page = text(admin.post("/admin/certificates/import", data={
        "action": "check", "file": (io.BytesIO(bad.encode("cp932")), "certs.csv")}))
    assert re.search(r'id="good-rows">2<', page) and re.search(r'id="bad-rows">2<', page)
    errors = re.search(r'id="import-errors".*?</table>', page, re.S).group(0)
    assert "別の認定証にすでに使われています" in errors and "有効期間開始以降" in errors
    assert "ファイル内で重複" in errors and "制度は一覧から選んでください" in errors
    r = admin.post("/admin/certificates/import", data={"action": "import", "file": (io.BytesIO(bad.encode()), "c.csv")})
    assert r.status_code == 422 and mine() == []
    for _ in range(2):  # the second time adds nothing
        r = admin.post("/admin/certificates/import", data={
            "action": "import", "file": (io.BytesIO(("\ufeff" + header + good).encode()), "c.csv")})
        assert r.status_code == 302
    assert mine() == [f"LL-{tag}-2", f"OC-{tag}-1"]
    occupational = certifications.by_number(session, f"OC-{tag}-1")
    assert certifications.state(occupational) == "valid" and occupational.application_id is None
    page = text(login(app, member.login_id).get("/mypage/credits"))
    assert f"OC-{tag}-1" in page and f"LL-{tag}-2" in page
    assert 'data-state="valid"' in text(app.test_client().get(f"/verify?code={occupational.verification_code}"))
    assert login(app, "staff@sapporo").get("/admin/certificates/import").status_code == 403
    # one certificate of a system at a time: a period meeting one recorded, or an earlier row's
    overlapping = header + (f"{number},occupational,OC-{tag}-9,2026-04-01,2031-03-31\n"
                            f"{number},sports,SP-{tag}-1,2020-04-01,2025-03-31\n"
                            f"{number},sports,SP-{tag}-2,2024-04-01,2029-03-31\n"
                            f"{number},lifelong,LL-{tag}-9,2026-04-01,2099-03-31\n")  # "never ends"
    page = text(admin.post("/admin/certificates/import", data={
        "action": "check", "file": (io.BytesIO(overlapping.encode()), "c.csv")}))
    errors = re.search(r'id="import-errors".*?</table>', page, re.S).group(0)
    assert f"同じ制度の認定（OC-{tag}-1）と有効期間が重なっています" in errors
    assert f"同じ制度の認定（SP-{tag}-1）と有効期間が重なっています" in errors
    assert "有効期間終了が長すぎます（この制度の認定証の有効期間は3年、延長されたものでも4年までです）" in errors
    assert re.search(r'id="good-rows">1<', page) and re.search(r'id="bad-rows">3<', page)


def test_the_credit_import_dry_run_refuses_what_the_ledger_refuses(app, session):
    """A day before 1950 passed the dry run and failed the import (with no line number)."""
    import uuid

    from membership.models import Physician

    member, _ = approved_member(session, prefix="old")
    physician = session.get(Physician, member.physician_id)
    physician.registry_number = f"{uuid.uuid4().int % 900000 + 100000}"
    session.flush()
    raw = ("医籍登録番号,制度,区分,単位数,取得日,取得方法,内容\n"
           f"{physician.registry_number},occupational,update,1,1949-12-31,paper,古いシール\n").encode()
    page = text(login(app, "admin001").post("/admin/credits/import", data={
        "action": "check", "file": (io.BytesIO(raw), "c.csv")}))
    assert re.search(r'id="bad-rows">1<', page) and "1950/01/01以降" in page


def test_the_office_enters_a_paper_certification_application_for_a_member(app, session):
    """紙の申請書の代理入力: the office sees the member's eligibility as the member would, files the
    application on the member's behalf with the scanned form; the member sees it on My Page, and
    the staff user who entered it cannot approve it (four-eyes)."""
    import sqlalchemy as sa

    from membership.models import Application

    member, _ = approved_member(session, prefix="ppr")
    _credit(session, member, "basic_early", 14)
    _credit(session, member, "basic_practical", 10)
    office = login(app, "staff@sapporo")
    page = text(office.get(f"/members/{member.physician_id}/certification"))
    occupational = re.search(r'id="eligibility-occupational".*?</article>', page, re.S).group(0)
    assert "単位が足りません" in occupational and "認定を申請する" not in occupational
    assert '<option value="occupational:basic_early">認定産業医 基礎研修（前期）</option>' in page
    english = text(office.get(f"/members/{member.physician_id}/certification?lang=en"))
    assert ('<option value="occupational:basic_early">Certified occupational physician Basic training '
            '(first part)</option>') in english
    office.get(f"/members/{member.physician_id}/certification?lang=ja")  # back to Japanese
    r = office.post(f"/members/{member.physician_id}/certification", data={"system": "occupational"},
                    follow_redirects=True)
    assert "単位が要件に足りない" in text(r)
    _credit(session, member, "basic_late", 26)
    r = office.post(f"/members/{member.physician_id}/certification", data={"system": "occupational", "documents": [
        (io.BytesIO(b"%PDF-1.4\n%scanned paper form\n"), "認定産業医申請書.pdf")]})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/members/{member.physician_id}")
    app_ = session.scalar(sa.select(Application).where(Application.physician_id == member.physician_id,
                                                       Application.kind == "certification"))
    staff = actor_for(session, "staff@sapporo")
    assert app_.filed_by_user_id == staff.user_id and app_.applicant_user_id == member.user_id
    assert "医師会事務局による代理申請" in text(login(app, member.login_id).get("/mypage/"))
    task = open_task_for(session, staff, app_.id)
    task_page = text(office.get(f"/tasks/{task.id}"))
    assert "認定産業医申請書.pdf" in task_page and "承認できません" in task_page  # four-eyes, with the reason
    assert login(app, "staff@otaru").get(f"/members/{member.physician_id}/certification").status_code == 404
    assert login(app, member.login_id).get(f"/members/{member.physician_id}/certification").status_code == 403


def test_the_office_enters_credits_from_a_handbook_and_they_count(app, session):
    """手帳単位の入力: the office types the credits of a member's 産業医手帳 line by line; bad input
    names the field, the same line twice is refused, and the credits count for eligibility and
    show on the member's My Page."""
    member, _ = approved_member(session, prefix="hbk")
    office = login(app, "staff@sapporo")
    url = f"/members/{member.physician_id}/credits"
    r = office.post(url, data={"kind": "occupational:golf", "credits": "x", "earned_on": "", "note": ""})
    assert r.status_code == 422
    page = text(r)
    assert "単位の区分は一覧から選んでください" in page and "取得日を入力してください" in page
    for kind, credits, note in (("occupational:basic_early", "14", "産業医手帳 p.3 基礎研修（前期）"),
                                ("occupational:basic_practical", "10", "産業医手帳 p.4 実地"),
                                ("occupational:basic_late", "26", "産業医手帳 p.5 後期")):
        r = office.post(url, data={"kind": kind, "credits": credits, "earned_on": "2024-06-01", "note": note})
        assert r.status_code == 302, text(r)
    r = office.post(url, data={"kind": "occupational:basic_late", "credits": "26", "earned_on": "2024-06-01",
                               "note": "産業医手帳 p.5 後期"})
    assert r.status_code == 422 and "同じ単位はすでに入力されています" in text(r)
    page = text(office.get(f"/members/{member.physician_id}/certification"))
    assert "申請できます" in re.search(r'id="eligibility-occupational".*?</article>', page, re.S).group(0)
    ledger = text(login(app, member.login_id).get("/mypage/credits"))
    assert "産業医手帳 p.3 基礎研修（前期）" in ledger and "手帳・修了証（医師会入力）" in ledger
    assert login(app, "staff@otaru").post(url, data={"kind": "occupational:basic_early", "credits": "1",
                                                     "earned_on": "2024-06-01", "note": "x"}).status_code == 404


def test_an_office_prints_its_members_certificate_and_no_other(app, session):
    """A member's association may print their 認定証 (from the roster or the member's page); the
    print is recorded; another office cannot reach it."""
    import uuid

    from membership.models import AuditEvent, Certificate, UserAccount

    taro = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == "nichiitaro"))
    cert = Certificate(physician_id=taro.physician_id, system="occupational", mode="new",
                       number=f"OC-{uuid.uuid4().hex[:8]}", valid_from=today_jst(),
                       valid_until=today_jst() + dt.timedelta(days=365 * 5), verification_code=uuid.uuid4().hex[:16])
    session.add(cert)
    session.flush()
    otaru = login(app, "staff@otaru")
    assert f"/members/certificates/{cert.id}.pdf" in text(otaru.get("/members/certified"))
    r = otaru.get(f"/members/certificates/{cert.id}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf" and r.get_data().startswith(b"%PDF")
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "certificate.print", AuditEvent.object_id == cert.id)) == 1
    assert login(app, "staff@chuoeast").get(f"/members/certificates/{cert.id}.pdf").status_code == 404
    assert login(app, "sapporohanako").get(f"/mypage/certificates/{cert.id}.pdf").status_code == 404
