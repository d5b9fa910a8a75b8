"""The withdrawal screens (退会届, seed 001): retention → are you sure → choose, date and reason
→ confirm → done. The checked body waits in the session between the form and the confirmation;
only the confirmation files it (withdrawals.file_withdrawal through flows)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for

from engine import flows
from forms.enrolment import ConfirmForm
from forms.withdrawal import AmendWithdrawalForm, WithdrawalForm
from membership import applications, withdrawals
from membership.errors import Conflict, ValidationFailed

from .. import db
from ..i18n import field_errors, message, translate
from ..security import actor, roles_required
from . import acting

bp = Blueprint("withdraw", __name__, url_prefix="/apply/withdrawal")
KEY = "withdrawal"
BENEFITS = [
    "日本医師会医師賠償責任保険に加入できます。",
    "日本医師会医師年金に加入できます。",
    "日本医師会医学図書館の利用ができます。",
    "医師資格証の発行手数料無料・更新料が無料です。",
    "日本医師会生涯教育制度やe-ラーニングなど、最新の医学・医療を学び続けることができます。",
    "日本医師会主催の認定産業医や認定健康スポーツ医の研修会受講料に割引が適用されます。",
]


FOR = "withdrawal_for"


@bp.route("/for/<int:physician_id>", methods=["POST"])
@roles_required("secretariat")
def start_for(physician_id):
    """A secretariat files a withdrawal for a member of its association (e.g. 死亡)."""
    acting.start(FOR, physician_id)
    session.pop(KEY, None)
    return redirect(url_for("withdraw.form"))


@bp.route("")
@roles_required("member")
def retention():
    """The retention screen — or, first, why there is nothing to file: no association to leave, or
    every membership already changing under an application in review."""
    me = actor()
    groups = withdrawals.groups_of(db.session(), me.physician_id) if me.physician_id else []
    pending = withdrawals.pending_by_group(db.session(), groups, me.physician_id) if groups else {}
    return render_template("withdraw/retention.html", benefits=BENEFITS, groups=groups, pending=pending,
                           blocked=bool(groups) and len(pending) == len(groups))


@bp.route("/sure")
@roles_required("member")
def sure():
    return render_template("withdraw/sure.html")


def _groups():
    physician_id = acting.physician_id(FOR)
    return withdrawals.groups_of(db.session(), physician_id, actor()) if physician_id else []


@bp.route("/form", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def form():
    groups = _groups()
    kept = session.get(KEY) or {}
    data = None
    if request.method == "GET" and kept:
        data = {"leave": f"{kept.get('group_id')}:{(kept.get('associations') or [''])[0]}", **kept}
    form_ = WithdrawalForm(data=data)
    errors: dict[str, str] = {}
    if actor().is_secretariat and not acting.acting_for(FOR):
        return redirect(url_for("members.index"))
    if form_.validate_on_submit():
        body = acting.with_applicant(FOR, form_.body())
        try:
            withdrawals.validate(db.session(), acting.physician_id(FOR), body, actor())
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            session[KEY] = body
            return redirect(url_for("withdraw.confirm"))
    errors = {**form_.first_errors(), **errors}
    physician_id = acting.physician_id(FOR)
    pending = withdrawals.pending_by_group(db.session(), groups, physician_id) if groups else {}
    return render_template("withdraw/form.html", form=form_, groups=groups, errors=errors, pending=pending,
                           reasons=withdrawals.REASONS, acting=acting.acting_for(FOR)), (422 if errors else 200)


@bp.route("/confirm", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def confirm():
    body = session.get(KEY)
    if not body:
        return redirect(url_for("withdraw.form"))
    s = db.session()
    errors: dict[str, str] = {}
    try:
        clean = withdrawals.validate(s, acting.physician_id(FOR), body, actor())
    except ValidationFailed as exc:
        flash(next(iter(field_errors(exc).values())), "error")
        return redirect(url_for("withdraw.form"))
    form_ = ConfirmForm()
    if form_.validate_on_submit():
        try:
            app = flows.submit_application(s, actor(), body)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            session.pop(KEY, None)
            return acting.after_filing(FOR, app, "withdraw.done", "会員に代わって退会届を提出しました。")
    return render_template("withdraw/confirm.html", form=form_, clean=clean, body=body, errors=errors,
                           acting=acting.acting_for(FOR),
                           reason=withdrawals.REASONS.get(body["reason"], "")), (422 if errors else 200)


@bp.route("/done/<int:application_id>")
@roles_required("member")
def done(application_id):
    app = applications.get_application(db.session(), actor(), application_id)
    return render_template("withdraw/done.html", app=app)


@bp.route("/<int:application_id>/amend", methods=["GET", "POST"])
@roles_required("member")
def amend(application_id):
    """修正 while pending: change the date or the reason; the reviewing layers see it as amended."""
    s = db.session()
    app = applications.get_application(s, actor(), application_id)
    payload = app.payload or {}
    form_ = AmendWithdrawalForm(data={"desired_date": app.desired_date.isoformat() if app.desired_date else "",
                                      "reason": payload.get("reason"), "reason_text": payload.get("reason_text", "")})
    errors: dict[str, str] = {}
    if form_.validate_on_submit():
        try:
            flows.amend_pending(s, actor(), app.id, {
                "desired_date": form_.desired_date.data, "reason": form_.reason.data,
                "reason_text": form_.reason_text.data})
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        except Conflict as exc:
            db.rollback()
            flash(message(exc.message_key, **exc.params), "error")
            return redirect(url_for("mypage.application", application_id=app.id))
        else:
            db.commit()
            flash(translate("申請内容を修正しました。審査中の医師会に修正が表示されます。"), "success")
            return redirect(url_for("mypage.application", application_id=app.id))
    errors = {**form_.first_errors(), **errors}
    return render_template("withdraw/amend.html", form=form_, app=app, errors=errors), (422 if errors else 200)
