"""An upload is written before its row: if the transaction does not commit — rolled back, or the
session closed by a process stopping mid-request — the file goes; a file left anyway (the process
killed outright) is found by the integrity check and removed by the nightly job."""

from __future__ import annotations

import datetime as dt
import io
import os

from sqlalchemy.orm import Session

from membership import drafts, integrity, uploads

from ..conftest import new_member


def _upload(session, member, root):
    draft = drafts.start(session, member, "enrolment", member.user_id, {"associations": [{"code": "chuoeast"}]})
    doc = uploads.add_to_draft(session, member, draft, "chuoeast", "届出.pdf", io.BytesIO(b"%PDF-1.4\n%x\n"), root)
    return draft, doc, root / doc.stored_name


def test_a_session_closed_without_commit_takes_its_files_with_it(session, tmp_path):
    member = new_member(session, prefix="orp")
    session.commit()
    other = Session(bind=session.connection(), join_transaction_mode="create_savepoint")
    _draft, _doc, stored = _upload(other, member, tmp_path)
    assert stored.exists()
    other.close()  # no commit, no rollback: what a worker stopped by SystemExit leaves behind
    assert not stored.exists()


def test_a_file_no_document_names_is_reported_and_purged_once_old(session, tmp_path):
    member = new_member(session, prefix="orq")
    draft, doc, kept = _upload(session, member, tmp_path)
    session.commit()
    orphan, partial = tmp_path / "0123456789abcdef0123456789abcdef", tmp_path / ".feedface.part"
    for path in (orphan, partial):
        path.write_bytes(b"left by a killed worker")
    assert uploads.orphan_files(session, tmp_path) == []  # a request may still be at work on them
    old = (dt.datetime.now(dt.UTC) - uploads.ORPHAN_AFTER - dt.timedelta(minutes=1)).timestamp()
    for path in (orphan, partial, kept):
        os.utime(path, (old, old))
    assert uploads.orphan_files(session, tmp_path) == sorted([orphan, partial])
    def reported():  # (documents other tests committed have their files elsewhere)
        return [p for p in integrity.check_documents(session, tmp_path) if p.startswith("upload ")]

    assert reported() == [f"upload {p.name}: no document names it" for p in sorted([orphan, partial])]
    assert uploads.purge_orphans(session, tmp_path) == 2
    assert kept.exists() and not orphan.exists() and not partial.exists()
    assert reported() == []
    uploads.remove_from_draft(session, member, draft, doc.id, tmp_path)  # (the check after the test looks elsewhere)
