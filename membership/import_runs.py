"""CSV imports written in the background (decision 0037).

The screen checks the file at once (a few tenths of a second for 10,000 rows) and, when every row
is good, records a run holding the file — `checked` after a dry run, confirmed without uploading
the file again, or `queued` at once; a job writes it — every row or none, in one transaction,
under the run's row lock — and the run's page shows the outcome. A second worker on the same run
(a redelivered job, the beat queueing a quiet run again) waits for the lock and then finds it
ended, so no file is ever written twice. The file is emptied from the run when it ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import benefits, certificate_imports, credit_imports, imports
from .actors import Actor
from .db import utcnow
from .errors import Conflict, DomainError, Forbidden, NotFound, plain, stored
from .models import ImportRun, UserAccount


@dataclass(frozen=True)
class Kind:
    #: (session, actor, raw) → (clean rows, problems); raises ValidationFailed, Forbidden
    check: Callable
    #: (session, actor, raw) → rows written, all or none; raises as `check`, with `problems`
    write: Callable
    #: who starts and reads runs of this kind
    role: str


KINDS = {
    "members": Kind(imports.check, imports.import_members, "secretariat"),
    "credits": Kind(credit_imports.check, credit_imports.import_credits, "admin"),
    "benefits": Kind(benefits.check, benefits.import_statuses, "admin"),
    "certificates": Kind(certificate_imports.check, certificate_imports.import_certificates, "admin"),
}
#: a run in these states works nothing more
ENDED = ("done", "failed")
#: a run unfinished and untouched for this long lost its worker: the beat queues it again
STALE_AFTER = dt.timedelta(minutes=5)
#: a dry run's file, not confirmed for this long, is deleted (personal data is not kept idle)
CHECKED_KEPT = dt.timedelta(days=1)


def start(session: Session, actor: Actor, kind: str, filename: str, raw: bytes) -> ImportRun:
    """Check the file now and record a run that will write it. Raises Forbidden (not for this
    actor), ValidationFailed (the file unreadable, or rows in error: `problems` and `good` ride
    along, as `imports.refuse` makes them)."""
    clean, problems = _checked(session, actor, kind, raw)
    if problems:
        raise imports.refuse(problems, good=len(clean))
    return _recorded(session, actor, kind, filename, raw, len(clean), "queued")


def dry_run(session: Session, actor: Actor, kind: str, filename: str, raw: bytes) -> tuple[
        list[dict], list[dict], ImportRun | None]:
    """(clean rows, problems, run): the dry run ("確認する"); when every row is good, a `checked`
    run keeps the file so that the import can be confirmed without choosing it again. Raises as
    `start` does for a file that cannot be read at all."""
    clean, problems = _checked(session, actor, kind, raw)
    run = None if problems or not clean else _recorded(session, actor, kind, filename, raw, len(clean), "checked")
    return clean, problems, run


def confirm(session: Session, actor: Actor, run_id: int) -> ImportRun:
    """Queue a checked run ("この内容で取り込む"). Raises NotFound (not the actor's), Conflict (confirmed
    already, or too old and deleted)."""
    get_run(session, actor, run_id)
    run = _locked(session, run_id)
    if run.status != "checked" or run.user_id != actor.user_id:
        raise Conflict("import_confirmed")
    run.status, run.updated_at = "queued", utcnow()
    session.flush()
    return run


def purge_checked(session: Session, now: dt.datetime | None = None) -> int:
    """Delete dry runs not confirmed within CHECKED_KEPT, with their files (nightly)."""
    done = session.execute(sa.delete(ImportRun).where(ImportRun.status == "checked",
                                                      ImportRun.updated_at < (now or utcnow()) - CHECKED_KEPT))
    return done.rowcount or 0


def _checked(session: Session, actor: Actor, kind: str, raw: bytes) -> tuple[list[dict], list[dict]]:
    spec = KINDS[kind]
    if actor.role != spec.role:
        raise Forbidden()
    return spec.check(session, actor, raw)


def _recorded(session: Session, actor: Actor, kind: str, filename: str, raw: bytes, rows: int,
              status: str) -> ImportRun:
    run = ImportRun(kind=kind, user_id=actor.user_id, association_id=actor.association_id,
                    filename=(filename or "")[:120], content=raw, rows=rows, status=status)
    session.add(run)
    session.flush()
    return run


def begin(session: Session, run_id: int) -> bool:
    """Mark a queued run as running (for its page), in the caller's transaction. False when the
    run is unknown, not confirmed, or has ended."""
    run = _locked(session, run_id)
    if run is None or run.status in ENDED or run.status == "checked":
        return False
    run.status, run.updated_at = "running", utcnow()
    session.flush()
    return True


def write(session: Session, run_id: int) -> ImportRun | None:
    """Write the run's file in the caller's transaction and mark the run done. None when the run
    is unknown or has ended (another worker wrote it). Raises the write's DomainError (the caller
    rolls back and calls `record_failure`)."""
    run = _locked(session, run_id)
    if run is None or run.status in ENDED or run.status == "checked":
        return None
    spec = KINDS[run.kind]
    account = session.get(UserAccount, run.user_id)
    # the account disabled, or moved to another office or role, since the file was checked
    if (account is None or not account.is_active or account.role != spec.role
            or account.association_id != run.association_id):
        raise Forbidden()
    run.created = spec.write(session, Actor.of(account), run.content or b"")
    _end(run, "done")
    session.flush()
    return run


def record_failure(session: Session, run_id: int, error: DomainError) -> None:
    """Record why the run could not be written (after the caller's rollback), unless it ended."""
    run = _locked(session, run_id)
    if run is None or run.status in ENDED:
        return
    kept = stored(error)
    if getattr(error, "problems", None):
        kept["problems"] = [{"line": p["line"], "errors": {column: [key, plain(params)] for column, (key, params)
                                                           in p["errors"].items()}} for p in error.problems]
    run.error = kept
    _end(run, "failed")
    session.flush()


def run_to_end(factory: Callable[[], Session], run_id: int) -> None:
    """The job's body: mark the run running, then write it; a write refused by the domain is
    recorded on the run. Other errors (the database gone) propagate and leave the run unended:
    the beat queues it again."""
    with factory() as s:
        if not begin(s, run_id):
            return
        s.commit()
    with factory() as s:
        try:
            write(s, run_id)
        except DomainError as exc:
            s.rollback()
            record_failure(s, run_id, exc)
        s.commit()


def stale_runs(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Runs not ended and untouched for STALE_AFTER (their job was lost). Each is marked touched
    now, in the caller's transaction, so it is queued again every STALE_AFTER, not at every beat."""
    now = now or utcnow()
    stale = list(session.scalars(sa.select(ImportRun.id).where(
        ImportRun.status.in_(("queued", "running")), ImportRun.updated_at < now - STALE_AFTER)
        .order_by(ImportRun.id)))
    if stale:
        session.execute(sa.update(ImportRun).where(ImportRun.id.in_(stale), ImportRun.status.not_in(ENDED))
                        .values(updated_at=now))
    return stale


def is_stalled(run: ImportRun, now: dt.datetime | None = None) -> bool:
    """Queued or running and untouched for STALE_AFTER: no worker is taking it."""
    return run.status in ("queued", "running") and run.updated_at < (now or utcnow()) - STALE_AFTER


def get_run(session: Session, actor: Actor, run_id: int) -> ImportRun:
    """A run the actor started, or one of the actor's office of a kind the actor may start, as it
    is now. Raises NotFound otherwise."""
    run = session.get(ImportRun, run_id, populate_existing=True)
    if run is None or not (run.user_id == actor.user_id or (
            actor.role == KINDS[run.kind].role and run.association_id == actor.association_id)):
        raise NotFound()
    return run


def recent_runs(session: Session, actor: Actor, kind: str, limit: int = 10) -> list[tuple[ImportRun, str]]:
    """The office's runs of `kind`, newest first, with who started each (for the import screen)."""
    if actor.role != KINDS[kind].role:
        return []
    return [tuple(r) for r in session.execute(
        sa.select(ImportRun, UserAccount.display_name).join(UserAccount, UserAccount.id == ImportRun.user_id)
        .where(ImportRun.kind == kind, ImportRun.association_id == actor.association_id,
               ImportRun.status != "checked")  # a dry run is not an import
        .order_by(ImportRun.id.desc()).limit(limit))]


def _end(run: ImportRun, status: str) -> None:
    run.status, run.updated_at, run.content = status, utcnow(), None
    run.finished_at = run.updated_at


def _locked(session: Session, run_id: int) -> ImportRun | None:
    return session.scalar(sa.select(ImportRun).where(ImportRun.id == run_id).with_for_update()
                          .execution_options(populate_existing=True))
