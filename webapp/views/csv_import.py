"""The CSV import screens (members' data, credits, benefits, certificates): a dry run, then a run
written in the background, every row or none (membership.import_runs, decision 0037)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from forms.enrolment import ConfirmForm
from membership import import_runs
from membership import imports as member_imports
from membership.errors import DomainError, ValidationFailed

from .. import db, imports
from ..i18n import field_errors, message, rendered_error
from ..security import actor

#: what each kind's screens say and link to: (import screen, where the imported data is listed, heading)
PAGES = {
    "members": ("members.import_members", "members.index", "会員データの取込み"),
    "credits": ("admin.import_credits", "admin.import_credits", "単位データの取込み"),
    "benefits": ("admin.import_benefits", "admin.import_benefits", "保険・年金データの取込み"),
    "certificates": ("admin.import_certificates", "admin.import_certificates", "認定証データの取込み"),
}


def screen(kind: str, columns, **page):
    """"確認する" lists every row's errors without writing; "取り込む" checks again and, when every
    row is good, starts a run that writes them all (its page shows the outcome)."""
    form = ConfirmForm()
    report = None
    errors: dict[str, str] = {}
    s = db.session()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": message("choose", field="file")}
        else:
            raw = upload.read()
            try:
                if request.form.get("action") == "import":
                    run = imports.start(actor(), kind, upload.filename, raw)
                    return redirect(url_for("imports.run", run_id=run.id))
                clean, problems, run = import_runs.dry_run(s, actor(), kind, upload.filename, raw)
                member_imports.note_identity_refusals(s, actor(), problems)
                db.commit()  # the checked file waits for "この内容で取り込む"
                report = {"good": len(clean), "problems": rendered(problems), "run": run}
            except ValidationFailed as exc:
                db.rollback()
                if member_imports.note_identity_refusals(s, actor(), getattr(exc, "problems", None) or []):
                    db.commit()  # counted, though nothing else was kept
                errors = field_errors(exc)
                if getattr(exc, "problems", None):
                    report = {"good": getattr(exc, "good", 0), "problems": rendered(exc.problems)}
    return render_template("members/import.html", form=form, report=report, errors=errors, columns=columns,
                           heading=PAGES[kind][2], runs=import_runs.recent_runs(s, actor(), kind), **page), \
        (422 if errors else 200)


def run_page(run_id: int, template: str):
    """A run's page (or the fragment its page polls): the outcome, and every bad row if it failed."""
    try:
        run = import_runs.get_run(db.session(), actor(), run_id)
    except DomainError:
        abort(404)
    failed = None
    if run.error:  # the fields' messages, or the error's own where no field is to blame
        error = rendered_error(run.error)
        failed = list(error["fields"].values()) or [error["message"]]
    screen_endpoint, list_endpoint, heading = PAGES[run.kind]
    body = render_template(template, run=run, failed=failed, problems=rendered((run.error or {}).get("problems", [])),
                           heading=heading,
                           screen_url=url_for(screen_endpoint), list_url=url_for(list_endpoint),
                           stalled=import_runs.is_stalled(run))
    # htmx stops polling on 286 (the run has ended, or waits to be confirmed)
    return body, (286 if template.endswith("_progress.html") and run.status not in ("queued", "running") else 200)


def rendered(problems: list[dict]) -> list[dict]:
    return [{"line": p["line"], "errors": [message(key, field=column, **params) for column, (key, params)
                                           in p["errors"].items()]} for p in problems]
