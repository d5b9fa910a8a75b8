"""Wizards left without 一時保存 are never listed on My Page, so nobody could resume or delete
them: a nightly job deletes those untouched for a week, with their uploaded files (after the
commit). Saved drafts, and recent ones, stay."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa

from membership import drafts, uploads
from membership.db import utcnow
from membership.models import ApplicationDraft, Document

from ..conftest import new_member


def test_abandoned_wizards_go_with_their_files_and_saved_ones_stay(session, tmp_path):
    member = new_member(session, prefix="drf")
    abandoned = drafts.start(session, member, "enrolment", member.user_id, {"associations": [{"code": "chuoeast"}]})
    doc = uploads.add_to_draft(session, member, abandoned, "chuoeast", "届出.pdf", io.BytesIO(b"%PDF-1.4\n%x\n"),
                               tmp_path)
    stored = tmp_path / doc.stored_name
    kept = drafts.start(session, member, "enrolment", member.user_id)
    drafts.save(session, member, kept, "choose")
    recent = drafts.start(session, member, "enrolment", member.user_id)
    week_ago = utcnow() - drafts.ABANDONED_AFTER - dt.timedelta(hours=1)
    abandoned.updated_at = kept.updated_at = week_ago
    session.flush()
    session.commit()  # the file goes only after a commit (the test's savepoint)
    assert stored.exists()

    assert drafts.purge_abandoned(session, tmp_path) == 1
    session.commit()
    left = set(session.scalars(sa.select(ApplicationDraft.id).where(
        ApplicationDraft.id.in_([abandoned.id, kept.id, recent.id]))))
    assert left == {kept.id, recent.id}
    assert session.get(Document, doc.id) is None and not stored.exists()
    assert drafts.purge_abandoned(session, tmp_path) == 0  # nothing twice


def test_an_uploaded_document_is_readable_by_the_application_user_only(session, tmp_path):
    member = new_member(session, prefix="mod")
    draft = drafts.start(session, member, "enrolment", member.user_id, {"associations": [{"code": "chuoeast"}]})
    doc = uploads.add_to_draft(session, member, draft, "chuoeast", "届出.pdf", io.BytesIO(b"%PDF-1.4\n%x\n"),
                               tmp_path)
    assert (tmp_path / doc.stored_name).stat().st_mode & 0o777 == 0o600
    uploads.remove_from_draft(session, member, draft, doc.id, tmp_path)  # (the check after the test looks elsewhere)
