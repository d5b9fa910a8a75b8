"""The secretariat's inbox and the task page (and the member's amend task after a return)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine import tasks
from forms.inbox import FORMS, ReviewDecisionForm
from membership import applications, associations
from membership.errors import Conflict, ValidationFailed
from membership.reference import DUTY_CODES

from .. import db
from ..i18n import field_errors, message, translate
from ..security import actor, roles_required

bp = Blueprint("inbox", __name__)


@bp.route("/inbox")
@roles_required("secretariat")
def index():
    status = request.args.get("status", "open")
    if status not in ("open", "completed", "cancelled", "all"):
        status = "open"
    rows = tasks.list_tasks(db.session(), actor(), status=status)
    return render_template("inbox/index.html", rows=rows, status=status)


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@roles_required("secretariat", "member")
def task(task_id):
    s = db.session()
    me = actor()
    # a secretariat amending a returned application for its applicant (利用規約 §5-5)
    on_behalf = me.is_secretariat and request.args.get("on_behalf") == "1"
    item = tasks.get_task(s, me, task_id, on_behalf=on_behalf)
    app = applications.get_application(s, me, item.application_id, on_behalf=on_behalf)
    form_cls = FORMS.get(item.form_key, ReviewDecisionForm)
    prefill = None
    if item.kind == "amend" and request.method == "GET":
        prefill = {"desired_date": app.desired_date.isoformat() if app.desired_date else "",
                   "facility_id": app.facility_id, "duty_code": app.duty_code, "position": app.position}
    form = form_cls(data=prefill)
    errors: dict[str, str] = {}
    searching = request.form.get("action") == "search"
    if item.status == "open" and not searching and form.validate_on_submit():
        changes = None
        if item.kind == "amend":
            changes = {k: getattr(form, k).data for k in ("desired_date", "facility_id", "duty_code", "position")}
        try:
            tasks.complete_task(s, me, item.id, getattr(form, "decision", None) and form.decision.data,
                                form.comment.data, changes, on_behalf=on_behalf)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key), "error")
            return redirect(url_for("inbox.task", task_id=task_id, on_behalf="1" if on_behalf else None)), 303
        else:
            db.commit()
            flash(translate("処理しました。"), "success")
            if on_behalf:
                return redirect(url_for("members.detail", physician_id=app.physician_id))
            return redirect(url_for("inbox.index") if me.role == "secretariat" else url_for("mypage.index"))
    if not searching:
        errors = {**form.first_errors(), **errors}
    physician = applications.physician_of(s, app)
    facility = associations.get_facility(s, app.facility_id) if app.facility_id else None
    q = form.facility_q.data if hasattr(form, "facility_q") else ""
    results = associations.search_facilities(s, q) if q else []
    status = 422 if errors else 200
    return render_template("inbox/task.html", task=item, app=app, form=form, errors=errors, physician=physician,
                           facility=facility, duty=DUTY_CODES.get(app.duty_code), labels=applications.STATUS_LABELS,
                           facilities=results, q=q, selected=facility, duty_codes=DUTY_CODES), status
