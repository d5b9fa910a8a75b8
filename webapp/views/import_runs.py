"""A CSV import's run: its outcome, polled while the job writes it (views/csv_import.py starts it)."""

from __future__ import annotations

from flask import Blueprint

from ..security import roles_required
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
