"""The CSV import screens (members' data, credits): a dry run, then all rows or none."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from forms.enrolment import ConfirmForm
from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors, message, translate
from ..security import actor


def screen(check, write, columns, done_endpoint: str, **page):
    """The CSV import screens (members, credits): "確認する" lists every row's errors without
    writing; "取り込む" writes every row or none."""
    form = ConfirmForm()
    report = None
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors = {"file": message("choose", field="file")}
            return render_template("members/import.html", form=form, report=None, errors=errors, columns=columns,
                                   **page), 422
        raw = upload.read()
        s = db.session()
        try:
            if request.form.get("action") == "import":
                created = write(s, actor(), raw)
                db.commit()
                flash(translate("取り込みました") + f": {created}", "success")
                return redirect(url_for(done_endpoint))
            clean, problems = check(s, actor(), raw)
            report = {"good": len(clean), "problems": _rendered(problems)}
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
            if getattr(exc, "problems", None):
                report = {"good": getattr(exc, "good", 0), "problems": _rendered(exc.problems)}
    return render_template("members/import.html", form=form, report=report, errors=errors, columns=columns,
                           **page), (422 if errors else 200)


def _rendered(problems: list[dict]) -> list[dict]:
    return [{"line": p["line"], "errors": [message(key, field=column, **params) for column, (key, params)
                                           in p["errors"].items()]} for p in problems]
