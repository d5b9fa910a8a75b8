"""An upload to a draft racing the filing of the same draft: the filing holds the draft, the
upload waits and then finds it filed (a conflict, nothing stored) — never a document that belongs
to nothing, never a database error. Two uploads to one draft are counted one after the other."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engine import flows
from membership import drafts, uploads
from membership.errors import Conflict, ValidationFailed
from membership.models import ApplicationDraft, Document

from ..conftest import new_member
from ..helpers import at_once, enrolment_body

pytestmark = pytest.mark.commits
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(s, member) -> int:
    body = enrolment_body()
    draft = drafts.start(s, member, "enrolment", member.user_id,
                         {k: body[k] for k in ("desired_date", "facility_id", "duty_code", "position", "associations")})
    s.commit()
    return draft.id


def test_an_upload_waits_for_the_filing_and_then_finds_the_draft_filed(app, db_engine, monkeypatch):
    tmp_path = Path(app.config["UPLOAD_DIR"])  # where every later test's integrity check looks
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "upf")
        s.commit()
        draft_id = _draft(s, member)
    real_file = flows.FILERS["enrolment"]
    filing_inside = threading.Event()

    def slow_file(*args, **kwargs):
        filing_inside.set()
        time.sleep(0.6)  # the upload arrives while the filing holds the draft
        return real_file(*args, **kwargs)

    monkeypatch.setitem(flows.FILERS, "enrolment", slow_file)
    outcomes: dict[str, str] = {}

    def file_it():
        with Session(db_engine, expire_on_commit=False) as s:
            draft = s.get(ApplicationDraft, draft_id)
            flows.submit_application(s, member, {"kind": "enrolment", **draft.data}, draft=draft, upload_root=tmp_path)
            s.commit()
            outcomes["filing"] = "ok"

    def upload():
        with Session(db_engine, expire_on_commit=False) as s:
            draft = s.get(ApplicationDraft, draft_id)
            if draft is None:  # SQLite: the whole transaction waited for the filing (BEGIN IMMEDIATE)
                outcomes["upload"] = "draft_filed"
                return
            try:
                uploads.add_to_draft(s, member, draft, "chuoeast", "late.pdf", io.BytesIO(PDF), tmp_path)
                s.commit()
                outcomes["upload"] = "stored"
            except Conflict as exc:
                s.rollback()
                outcomes["upload"] = exc.message_key

    filing = threading.Thread(target=file_it)
    filing.start()
    assert filing_inside.wait(5)
    uploading = threading.Thread(target=upload)
    uploading.start()
    filing.join(10)
    uploading.join(10)
    assert outcomes == {"filing": "ok", "upload": "draft_filed"}
    with Session(db_engine) as s:
        orphans = s.scalar(sa.select(sa.func.count()).select_from(Document).where(
            Document.draft_id.is_(None), Document.application_id.is_(None)))
        assert orphans == 0


def test_two_uploads_to_one_draft_keep_to_the_limit(app, db_engine, monkeypatch):
    tmp_path = Path(app.config["UPLOAD_DIR"])
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "upl")
        s.commit()
        draft_id = _draft(s, member)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def two_files():
        barrier.wait()  # outside any transaction: SQLite's would hold the write lock while waiting
        with Session(db_engine, expire_on_commit=False) as s:
            draft = s.get(ApplicationDraft, draft_id)
            try:
                for name in ("a.pdf", "b.pdf"):  # (four files: the same file as the same document is kept once)
                    data = PDF + f"% {name} {threading.get_ident()}".encode()
                    uploads.add_to_draft(s, member, draft, "chuoeast", name, io.BytesIO(data), tmp_path)
                s.commit()
                results.append("stored")
            except ValidationFailed:
                s.rollback()
                results.append("refused")

    at_once(two_files, two_files, timeout=10)
    assert sorted(results) == ["refused", "stored"]
    with Session(db_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Document).where(Document.draft_id == draft_id)) == 2


def test_one_file_deleted_twice_at_once_is_deleted_once_and_the_same_file_twice_is_kept_once(app, db_engine):
    """A double click on 削除: the second waits for the first (the draft's lock) and finds the file
    gone — one deletion in the audit trail, not two. A double click on upload keeps one document."""
    from membership.errors import NotFound
    from membership.models import AuditEvent

    tmp_path = Path(app.config["UPLOAD_DIR"])
    with Session(db_engine, expire_on_commit=False) as s:
        member = new_member(s, "udl")
        s.commit()
        draft_id = _draft(s, member)
        draft = s.get(ApplicationDraft, draft_id)
        first = uploads.add_to_draft(s, member, draft, "chuoeast", "a.pdf", io.BytesIO(PDF), tmp_path)
        again = uploads.add_to_draft(s, member, draft, "chuoeast", "a.pdf", io.BytesIO(PDF), tmp_path)
        s.commit()
        assert again.id == first.id and len(uploads.of_draft(s, draft)) == 1
        # the same bytes under another name are another document (a scan sent as two papers)
        other = uploads.add_to_draft(s, member, draft, "chuoeast", "b.pdf", io.BytesIO(PDF), tmp_path)
        s.commit()
        assert other.id != first.id
        uploads.remove_from_draft(s, member, draft, other.id, tmp_path)
        s.commit()
        doc_id = first.id
    barrier = threading.Barrier(2)
    results: list[str] = []

    def delete():
        barrier.wait()
        with Session(db_engine, expire_on_commit=False) as s:
            try:
                uploads.remove_from_draft(s, member, s.get(ApplicationDraft, draft_id), doc_id, tmp_path)
                s.commit()
                results.append("deleted")
            except NotFound:
                s.rollback()
                results.append("gone")

    at_once(delete, delete, timeout=10)
    assert sorted(results) == ["deleted", "gone"]
    with Session(db_engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "document.delete", AuditEvent.object_id == doc_id)) == 1
