"""Documents (提出書類) through the wizard: the limits, the refused files, drafts (一時保存) resumed
from My Page, documents moving onto the filed application, and who may open them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlalchemy as sa

from membership.models import ApplicationDraft, Document

from ..conftest import new_member
from ..helpers import future
from ..helpers import login_client as login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 200


def text(r):
    return r.get_data(as_text=True)


def stored_files(app) -> set[str]:
    return {p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir()} if Path(app.config["UPLOAD_DIR"]).exists() \
        else set()


def to_input_step(client):
    r = client.post("/apply/enrolment", data={
        "action": "next", "pref": "北海道", "city": "札幌市中央区", "layer4": "chuoeast", "layer3": "sapporo",
        "category-chuoeast": "A-1", "category-sapporo": "A-1"})
    assert r.status_code == 302, text(r)
    page = text(client.get("/apply/enrolment/input"))
    assert "提出書類" in page and 'name="file-chuoeast"' in page and 'name="file-sapporo"' in page


def upload(client, code, *files, action="upload", **fields):
    data = {"action": action, **fields, f"file-{code}": [(io.BytesIO(body), name) for name, body in files]}
    return client.post("/apply/enrolment/input", data=data, content_type="multipart/form-data")


def documents(session):
    return session.scalar(sa.select(sa.func.count()).select_from(Document))


def test_each_bad_file_is_refused_with_its_reason_and_nothing_is_stored(app, session):
    client = login(app, new_member(session, prefix="upl").login_id)
    to_input_step(client)
    before_rows, before_files = documents(session), stored_files(app)
    cases = [
        ([("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF), ("d.pdf", PDF)], "1つの医師会につき3つまで"),
        ([("big.pdf", PDF + b"0" * (11 * 1024 * 1024))], "10MBまで"),
        ([("setup.pdf", EXE)], "PDF・画像（PNG・JPEG・GIF）・ZIPのいずれか"),
        ([("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)], "「互換性優先」"),  # an iPhone photo
        ([("photo.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 64)], "JPEG・PDFにしてから"),
        ([("empty.pdf", b"")], "空です"),
        ([("ok.pdf", PDF), ("virus.pdf", EXE)], "virus.pdf"),  # one bad file: the good one is not kept either
    ]
    for files, reason in cases:
        r = upload(client, "chuoeast", *files)
        assert r.status_code == 422, files[0][0]
        assert reason in text(r) and "ファイル" in text(r), (files[0][0], text(r)[:3000])
        assert documents(session) == before_rows and stored_files(app) == before_files, files[0][0]


def test_a_path_in_the_name_is_cut_off_and_the_file_stored_under_a_random_name(app, session):
    client = login(app, new_member(session, prefix="upl").login_id)
    to_input_step(client)
    r = upload(client, "chuoeast", ("../../etc/会員 証明書.PDF", PDF), ("..\\..\\写真.png", PNG))
    assert r.status_code == 200, text(r)
    docs = session.scalars(sa.select(Document).order_by(Document.id.desc()).limit(2)).all()
    assert {d.filename for d in docs} == {"会員 証明書.pdf", "写真.png"}
    assert {d.content_type for d in docs} == {"application/pdf", "image/png"}
    for d in docs:
        assert re.fullmatch(r"[0-9a-f]{32}", d.stored_name)
        assert (Path(app.config["UPLOAD_DIR"]) / d.stored_name).read_bytes() in (PDF, PNG)
    assert "会員 証明書.pdf" in text(r) and "あと1つ" in text(r)


def test_a_draft_keeps_its_documents_is_resumed_and_its_documents_reach_the_reviewers(app, session):
    member = new_member(session, prefix="upl")
    client = login(app, member.login_id)
    to_input_step(client)
    assert upload(client, "chuoeast", ("免許証.pdf", PDF)).status_code == 200
    # 一時保存 with half the input typed: nothing is checked, everything is kept
    r = upload(client, "sapporo", ("履歴書.png", PNG), action="save_draft", position="院長")
    assert r.status_code == 302 and r.headers["Location"].endswith("/mypage/")
    page = text(client.get("/mypage/"))
    assert "作成中の申請（一時保存）" in page
    draft_id = int(re.search(r"/apply/enrolment/drafts/(\d+)\"", page).group(1))
    other = login(app, new_member(session, prefix="upl").login_id)
    assert other.get(f"/apply/enrolment/drafts/{draft_id}").status_code == 404  # not someone else's draft
    assert "作成中の申請" not in text(other.get("/mypage/"))

    fresh = login(app, member.login_id)  # another browser: the draft is on the server
    r = fresh.get(f"/apply/enrolment/drafts/{draft_id}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/apply/enrolment/input")
    page = text(fresh.get("/apply/enrolment/input"))
    assert "免許証.pdf" in page and "履歴書.png" in page and '<option value="院長" selected>' in page
    r = fresh.post("/apply/enrolment/input", data={"action": "search", "facility_q": "上野"})
    facility_id = re.search(r'name="facility_id" value="(\d+)"', text(r)).group(1)
    r = fresh.post("/apply/enrolment/input", data={"action": "next", "desired_date": future(),
                                                   "facility_id": facility_id, "duty_code": "11", "position": "院長"})
    assert r.status_code == 302, text(r)
    confirm = text(fresh.get("/apply/enrolment/confirm"))
    assert "免許証.pdf" in confirm and "履歴書.png" in confirm and "提出先" in confirm
    r = fresh.post("/apply/enrolment/confirm")
    app_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert session.get(ApplicationDraft, draft_id) is None
    docs = session.scalars(sa.select(Document).where(Document.application_id == app_id)).all()
    assert sorted(d.filename for d in docs) == ["免許証.pdf", "履歴書.png"] and all(d.draft_id is None for d in docs)
    pdf = next(d for d in docs if d.filename == "免許証.pdf")

    staff = login(app, "staff@chuoeast")
    task = re.search(r'href="/tasks/(\d+)"', text(staff.get("/inbox?applicant=シケン"))).group(1)
    page = text(staff.get(f"/tasks/{task}"))
    assert "免許証.pdf" in page and "履歴書.png" in page and f"/documents/{pdf.id}" in page
    shown = staff.get(f"/documents/{pdf.id}")
    assert shown.status_code == 200 and shown.mimetype == "application/pdf" and shown.data == PDF
    assert "inline" in shown.headers.get("Content-Disposition", "inline")
    got = staff.get(f"/documents/{pdf.id}?download=1")
    assert "attachment" in got.headers["Content-Disposition"] and got.data == PDF
    assert client.get(f"/documents/{pdf.id}").status_code == 200  # the applicant
    own = text(client.get(f"/mypage/applications/{app_id}"))  # and the applicant's own page lists them
    assert "免許証.pdf" in own and "履歴書.png" in own and f"/documents/{pdf.id}" in own
    assert "11 開設者または法人" in own and "上野クリニック" in own  # the duty's text, the facility
    for outsider in ("staff@kitaku", "staff@otaru"):
        assert login(app, outsider).get(f"/documents/{pdf.id}").status_code == 404
    assert other.get(f"/documents/{pdf.id}").status_code == 404


def test_deleting_a_draft_deletes_its_files(app, session):
    client = login(app, new_member(session, prefix="upl").login_id)
    to_input_step(client)
    upload(client, "chuoeast", ("a.pdf", PDF))
    doc = session.scalar(sa.select(Document).order_by(Document.id.desc()).limit(1))
    path = Path(app.config["UPLOAD_DIR"]) / doc.stored_name
    doc_id, draft_id = doc.id, doc.draft_id
    assert path.exists()
    upload(client, "chuoeast", action="save_draft")
    r = client.post(f"/apply/enrolment/drafts/{draft_id}/delete")
    assert r.status_code == 302
    session.expire_all()
    assert session.get(ApplicationDraft, draft_id) is None and not path.exists()
    assert session.get(Document, doc_id) is None


def test_each_upload_says_what_kind_of_document_it_is(app, session):
    """Seed 000's slots 提出書類・履歴書・経歴書・その他: the kind is chosen with the file, listed on
    the confirm page and shown to the reviewers; a kind no list has is refused."""
    client = login(app, new_member(session, prefix="knd").login_id)
    to_input_step(client)
    page = text(client.get("/apply/enrolment/input"))
    assert 'name="kind-chuoeast"' in page and '<option value="cv">履歴書・経歴書</option>' in page
    r = upload(client, "chuoeast", ("経歴.pdf", PDF), **{"kind-chuoeast": "cv"})
    assert r.status_code == 200 and "履歴書・経歴書: 経歴.pdf" in text(r)
    r = upload(client, "chuoeast", ("免許.pdf", PDF))  # no kind chosen: 提出書類
    assert "提出書類: 免許.pdf" in text(r)
    before = documents(session)
    r = upload(client, "chuoeast", ("x.pdf", PDF), **{"kind-chuoeast": "lottery"})
    assert r.status_code == 422 and "書類の種類" in text(r) and documents(session) == before
    kinds = dict(session.execute(sa.select(Document.filename, Document.kind)
                                 .where(Document.filename.in_(["経歴.pdf", "免許.pdf"]))).all())
    assert kinds == {"経歴.pdf": "cv", "免許.pdf": "submission"}


def test_what_was_typed_on_the_input_step_survives_a_reload_after_an_upload(app, session):
    """A phone reloads the page after its camera or photo picker: the desired date and duty typed
    before the upload come back with the files (they were kept only on 次へ or 一時保存)."""
    client = login(app, new_member(session, prefix="upr").login_id)
    to_input_step(client)
    day = future(20)
    assert upload(client, "chuoeast", ("免許証.pdf", PDF), desired_date=day, duty_code="11",
                  position="院長").status_code == 200
    page = text(client.get("/apply/enrolment/input"))
    assert f'value="{day}"' in page and "免許証.pdf" in page
    assert re.search(r'<option value="11"[^>]*selected', page) or 'value="11" checked' in page
