"""Uploaded documents (提出書類): checked, stored outside the web root, and shown only in scope.

Rules (seed 000, SPEC §4): at most 3 files per association of an application, 10 MB each; the
type is read from the content, not from the name (PDF, PNG, JPEG, GIF, ZIP); empty files are
refused. The original name is cleaned for display and never used as a path: the bytes are
stored under a random name. A file is written before its row, and removed again if the
transaction rolls back (see `_forget_on_rollback`), so nothing is half-stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import unicodedata
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import audit, drafts
from .actors import Actor
from .errors import NotFound, ValidationFailed
from .models import Application, ApplicationDraft, Association, Document
from .statuses import PartStatus

MAX_FILES = 3
MAX_BYTES = 10 * 1024 * 1024
#: what a file is, chosen when it is uploaded (seed 000's three slots)
DOCUMENT_KINDS = {"submission": "提出書類", "cv": "履歴書・経歴書", "other": "その他"}
MAX_NAME = 100
#: leading bytes → (content type, the extension used for downloads)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"PK\x03\x04", "application/zip", "zip"),
    (b"PK\x05\x06", "application/zip", "zip"),  # an empty archive
)
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif"}
_PENDING = "mamis_new_files"


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes, or None for anything not allowed."""
    for magic, content_type, _ in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def phone_photo(head: bytes) -> bool:
    """A photo in a phone's own format — HEIC/HEIF (iPhone), WebP — which the offices cannot open."""
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1") \
        or head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def safe_name(name: str | None) -> str:
    """The last path part of a sent name, NFKC, without control or reserved characters."""
    text = unicodedata.normalize("NFKC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    return kept.strip(" .")[:MAX_NAME]


def clean_filename(name: str | None, content_type: str) -> str:
    """A display name: `safe_name`, at most 100 characters, with an extension that matches the
    content (a PDF is saved as .pdf whatever it was called)."""
    text = safe_name(name)
    ext = next(e for _, t, e in SIGNATURES if t == content_type)
    stem = text.rsplit(".", 1)[0] if "." in text else text
    stem = stem[: MAX_NAME - len(ext) - 1] or "document"
    return f"{stem}.{ext}"


def _read_limited(stream: BinaryIO) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed.one("file", "file_too_large", max="10MB")
    if not data:
        raise ValidationFailed.one("file", "file_empty")
    return data


def _association(session: Session, code: str, allowed: list[str]) -> Association:
    if code not in allowed:
        raise ValidationFailed.one("association", "choose_from_list")
    association = session.scalar(sa.select(Association).where(Association.code == code))
    if association is None:
        raise ValidationFailed.one("association", "choose_from_list")
    return association


def add_to_draft(session: Session, actor: Actor, draft: ApplicationDraft, association_code: str,
                 filename: str | None, stream: BinaryIO, root: Path, kind: str = "submission") -> Document:
    """Store one file for `association_code`, one of the draft's chosen associations, as a `kind`
    of document (DOCUMENT_KINDS).

    Raises ValidationFailed (field `file`: too many, too large, empty, type not allowed;
    `association`; `document_kind`). Nothing is stored when it raises.
    """
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed.one("document_kind", "choose_from_list")
    drafts.lock(session, draft)  # against the filing, and against another upload's count
    allowed = [c["code"] for c in (draft.data or {}).get("associations", [])]
    association = _association(session, association_code, allowed)
    count = session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.draft_id == draft.id, Document.association_id == association.id))
    return _store(session, actor, association.id, count, filename, stream, root, kind=kind, draft_id=draft.id)


def add_to_application(session: Session, actor: Actor, app: Application, filename: str | None, stream: BinaryIO,
                       root: Path) -> Document:
    """Store one file with an application filed without a draft (a certification), or sent with an
    amendment after a return: addressed to the association that returned it, else the first
    reviewing one; every layer of the application sees it. Same rules."""
    association_id = next((p for p in app.parts if p.status == PartStatus.RETURNED), app.parts[0]).association_id
    count = session.scalar(sa.select(sa.func.count()).select_from(Document).where(
        Document.application_id == app.id, Document.association_id == association_id))
    return _store(session, actor, association_id, count, filename, stream, root, application_id=app.id)


def _store(session: Session, actor: Actor, association_id: int, count: int, filename: str | None,
           stream: BinaryIO, root: Path, kind: str = "submission", **owner) -> Document:
    if count >= MAX_FILES:
        raise ValidationFailed.one("file", "too_many_files", max=MAX_FILES)
    data = _read_limited(stream)
    content_type = sniff(data[:16])
    if content_type is None:
        # a phone's photo (HEIC, WebP) is the likeliest refused file: say what to do with it
        raise ValidationFailed.one("file", "file_type_photo" if phone_photo(data[:16]) else "file_type")
    digest, name = hashlib.sha256(data).hexdigest(), clean_filename(filename, content_type)
    same = session.scalar(sa.select(Document).where(
        Document.association_id == association_id, Document.sha256 == digest, Document.size == len(data),
        Document.filename == name, Document.kind == kind,
        *(getattr(Document, column) == value for column, value in owner.items())).limit(1))
    if same is not None:
        return same  # the same file sent twice as the same document (a double click): kept once
    stored = _write(session, root, data)
    doc = Document(association_id=association_id, uploaded_by_user_id=actor.user_id or None,
                   filename=name, stored_name=stored, content_type=content_type,
                   size=len(data), sha256=digest, kind=kind, **owner)
    session.add(doc)
    session.flush()
    audit.record(session, actor, "document.upload", "document", doc.id, association_id=association_id,
                 size=len(data), content_type=content_type, **owner)
    return doc


def remove_from_draft(session: Session, actor: Actor, draft: ApplicationDraft, document_id: int, root: Path) -> None:
    """Delete one file of the draft. Raises NotFound when it is not there — deleted meanwhile by a
    second click, which waits for the first (the draft's lock) and then finds it gone."""
    drafts.lock(session, draft)
    doc = session.scalar(sa.select(Document).where(Document.id == document_id, Document.draft_id == draft.id)
                         .execution_options(populate_existing=True))
    if doc is None:
        raise NotFound()
    session.delete(doc)
    session.flush()
    _delete_after_commit(session, root / doc.stored_name)
    audit.record(session, actor, "document.delete", "document", document_id, draft_id=draft.id)


def of_draft(session: Session, draft: ApplicationDraft) -> list[Document]:
    return list(session.scalars(sa.select(Document).where(Document.draft_id == draft.id).order_by(Document.id)))


def of_application(session: Session, application_id: int) -> list[Document]:
    return list(session.scalars(sa.select(Document).where(Document.application_id == application_id)
                                .order_by(Document.association_id, Document.id)))


def attach(session: Session, draft: ApplicationDraft, app: Application, root: Path) -> int:
    """Move the draft's documents onto the filed application (same transaction as the filing).
    Documents for associations no longer chosen are dropped, their files after the commit."""
    chosen = {p.association_id for p in app.parts}
    moved = 0
    for doc in of_draft(session, draft):
        if doc.association_id in chosen:
            doc.application_id, doc.draft_id = app.id, None
            moved += 1
        else:
            session.delete(doc)
            _delete_after_commit(session, root / doc.stored_name)
    session.flush()
    return moved


def file_path(root: Path, doc: Document) -> Path:
    return root / doc.stored_name


# --- files: written first, removed again on rollback ---------------------------------------------

def _write(session: Session, root: Path, data: bytes) -> str:
    root.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    final = root / name
    partial = root / f".{name}.part"
    # owner-only (0600), like the outbox's mails: a physician's documents are not for every
    # account on the host; the web processes and the worker run as one user
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, final)
    session.info.setdefault(_PENDING, []).append(final)
    return name


def _delete_after_commit(session: Session, path: Path) -> None:
    session.info.setdefault("mamis_doomed_files", []).append(path)


@event.listens_for(Session, "after_commit")
def _commit_files(session: Session) -> None:
    session.info.pop(_PENDING, None)
    for path in session.info.pop("mamis_doomed_files", []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction) -> None:
    # The outermost transaction ended without a commit (rolled back, or the session closed — a
    # worker stopped mid-request): its rows are gone, so are its files. After a commit the list is
    # already empty.
    if transaction.parent is None and not transaction.nested:
        for path in session.info.pop(_PENDING, []):
            path.unlink(missing_ok=True)
        session.info.pop("mamis_doomed_files", None)


#: a file in the upload directory without a row, this old, was left by a process that died
#: between writing it and committing (younger ones may belong to a request still at work)
ORPHAN_AFTER = dt.timedelta(hours=1)


def orphan_files(session: Session, root: Path, now: dt.datetime | None = None) -> list[Path]:
    """Files under `root` that no document names, older than ORPHAN_AFTER (partly written ones too)."""
    if not root.is_dir():
        return []
    cutoff = ((now or dt.datetime.now(dt.UTC)) - ORPHAN_AFTER).timestamp()
    old = {p.name: p for p in root.iterdir() if p.is_file() and p.stat().st_mtime < cutoff}
    if not old:
        return []
    known = set(session.scalars(sa.select(Document.stored_name).where(Document.stored_name.in_(list(old)))))
    return sorted(p for name, p in old.items() if name not in known)


def purge_orphans(session: Session, root: Path, now: dt.datetime | None = None) -> int:
    """Beat job: remove the files `orphan_files` finds. Returns how many."""
    found = orphan_files(session, root, now)
    for path in found:
        path.unlink(missing_ok=True)
    if found:
        audit.record(session, None, "document.orphans_removed", "document", None, count=len(found))
    return len(found)


def get_document(session: Session, actor: Actor, document_id: int) -> Document:
    """A document the actor may see: their own draft's, or one of an application they may see
    (the applicant; staff of an association it involves; admins). Raises NotFound otherwise."""
    from . import applications, drafts

    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound()
    if doc.draft_id is not None:
        drafts.get(session, actor, doc.draft_id)  # NotFound unless it is the actor's draft
        return doc
    app = session.get(Application, doc.application_id) if doc.application_id else None
    if app is None or not applications.can_see_application(session, actor, app):
        raise NotFound()
    return doc
