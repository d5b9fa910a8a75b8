"""A CSV import's run: its outcome, polled while the job writes it (views/csv_import.py starts it)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for

from membership.errors import Conflict, NotFound

from .. import db, imports
from ..i18n import message
from ..security import actor, roles_required
from . import csv_import

bp = Blueprint("imports", __name__)


@bp.route("/imports/<int:run_id>")
@roles_required("secretariat", "admin")
def run(run_id):
    return csv_import.run_page(run_id, "imports/run.html")


@bp.route("/imports/<int:run_id>/progress")
@roles_required("secretariat", "admin")
def progress(run_id):
    """The outcome fragment; 286 (htmx: stop polling) once the run has ended."""
    return csv_import.run_page(run_id, "imports/_progress.html")


@bp.route("/imports/<int:run_id>/confirm", methods=["POST"])
@roles_required("secretariat", "admin")
def confirm(run_id):
    """この内容で取り込む: the file checked a moment ago, written without choosing it again."""
    try:
        run = imports.confirm(actor(), run_id)
    except NotFound:
        abort(404)
    except Conflict as exc:
        db.rollback()
        flash(message(exc.message_key, **exc.params), "error")
        return redirect(url_for("imports.run", run_id=run_id))
    return redirect(url_for("imports.run", run_id=run.id))
