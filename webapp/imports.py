"""CSV imports: checked in the request, written by a Celery job (membership.import_runs)."""

from __future__ import annotations

from membership import import_runs
from membership.actors import Actor
from membership.models import ImportRun

from . import background, db


def start(actor: Actor, kind: str, filename: str, raw: bytes) -> ImportRun:
    """Check the file, record the run, commit, queue its job, and read the run again (the job may
    have written it already). Raises Forbidden, ValidationFailed (with the rows' problems)."""
    return background.queued(import_runs.start(db.session(), actor, kind, filename, raw), enqueue)


def confirm(actor: Actor, run_id: int) -> ImportRun:
    """Queue a checked run (its dry run showed every row good), commit, and queue its job. Raises
    NotFound, Conflict."""
    return background.queued(import_runs.confirm(db.session(), actor, run_id), enqueue)


def enqueue(run_id: int) -> None:
    from .jobs import import_csv

    background.enqueue(import_csv.name, work, run_id, "import-run")


def work(run_id: int) -> None:
    """Write the run to its end here (the job's body)."""
    import_runs.run_to_end(db.database().session_factory, run_id)
