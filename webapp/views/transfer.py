"""The transfer screens (異動届): one page to choose the group, the new facility, the new local
associations (with categories; the prefecture's too when it changes) and the date → confirm, with
what will be left, joined and recorded → done. The domain derives and checks the parts."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from engine import flows
from forms.enrolment import ConfirmForm, TransferForm
from membership import applications, associations, transfers, withdrawals
from membership.errors import ValidationFailed
from membership.reference import DUTY_CODES

from .. import db
from ..i18n import field_errors
from ..security import actor, roles_required
from . import acting

bp = Blueprint("transfer", __name__, url_prefix="/apply/transfer")
KEY = "transfer"
FORM_KEY = "transfer_form"  # the step's fields as sent, for 戻る
FOR = "transfer_for"


@bp.route("/for/<int:physician_id>", methods=["POST"])
@roles_required("secretariat")
def start_for(physician_id):
    """A secretariat files a transfer for a member of its association."""
    acting.start(FOR, physician_id)
    session.pop(KEY, None)
    session.pop(FORM_KEY, None)
    return redirect(url_for("transfer.form"))


def _body(form: TransferForm, choices) -> dict:
    codes = [c for c in (request.form.get("layer4"), request.form.get("layer3")) if c and c != "none"]
    prefecture = choices["prefecture"] if choices else None
    if prefecture is not None and form.category.data.get(prefecture.code):
        codes.append(prefecture.code)
    return {"kind": "transfer", "group_id": request.form.get("group_id"),
            "facility_id": request.form.get("facility_id"),
            "desired_date": request.form.get("desired_date", "").strip().replace("/", "-"),
            "duty_code": form.duty_code.data or "", "position": form.position.data or "",
            "associations": [{"code": c, "category": form.category.data.get(c, "")} for c in codes]}


@bp.route("", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def form():
    s = db.session()
    me = actor()
    if me.is_secretariat and not acting.acting_for(FOR):
        return redirect(url_for("members.index"))
    physician_id = acting.physician_id(FOR)
    groups = withdrawals.groups_of(s, physician_id, me) if physician_id else []
    # 戻る from the confirm page: the form as it was sent, so nothing typed or chosen is lost
    saved = session.get(FORM_KEY) if request.method == "GET" and request.args.get("back") else None
    values = saved or request.form
    pref = saved["pref"] if saved else request.values.get("pref", "")
    city = saved["city"] if saved else request.values.get("city", "")
    choices = associations.local_choices(s, pref, city) if pref and city else None
    form_ = TransferForm(formdata=MultiDict(saved)) if saved else TransferForm()
    errors: dict[str, str] = {}
    body = {}
    if request.method == "POST":
        # the form's checks and the domain's together, so that every field's error shows at once
        valid = form_.validate_on_submit()
        body = acting.with_applicant(FOR, _body(form_, choices))
        try:
            transfers.plan(s, physician_id, body, me)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        if valid and not errors:
            session[KEY] = body
            session[FORM_KEY] = {**{k: v for k, v in request.form.items() if k != "csrf_token"},
                                 "pref": pref, "city": city}
            return redirect(url_for("transfer.confirm"))
    if request.method == "POST":
        errors = {**form_.first_errors(), **errors}
    q = values.get("facility_q", "")
    selected = associations.get_facility(s, values.get("facility_id")) if values.get("facility_id") else None
    return render_template("transfer/form.html", groups=groups, prefs=associations.prefectures(s),
                           cities=associations.cities(s, pref) if pref else [], pref=pref, city=city,
                           choices=choices, form=form_, errors=errors, values=values, q=q,
                           facilities=associations.search_facilities(s, q) if q else [], selected=selected,
                           duty_codes=DUTY_CODES,
                           acting=acting.acting_for(FOR),
                           # the prefecture's category is asked only when the move leaves the prefecture
                           current_prefectures={m.association.code for g in groups for m in g.memberships
                                                if m.layer == 2 and m.status == "active"}), \
        (422 if errors else 200)


@bp.route("/confirm", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def confirm():
    body = session.get(KEY)
    if not body:
        return redirect(url_for("transfer.form"))
    s = db.session()
    try:
        plan = transfers.plan(s, acting.physician_id(FOR), body, actor())
    except ValidationFailed:
        session.pop(KEY, None)
        return redirect(url_for("transfer.form"))
    form_ = ConfirmForm()
    errors: dict[str, str] = {}
    if form_.validate_on_submit():
        try:
            app = flows.submit_application(s, actor(), body)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            session.pop(KEY, None)
            session.pop(FORM_KEY, None)
            return acting.after_filing(FOR, app, "transfer.done", "会員に代わって異動届を提出しました。")
    return render_template("transfer/confirm.html", plan=plan, form=form_, errors=errors,
                           duty=DUTY_CODES.get(plan["duty_code"]),
                           acting=acting.acting_for(FOR)), \
        (422 if errors else 200)


@bp.route("/done/<int:application_id>")
@roles_required("member")
def done(application_id):
    return render_template("transfer/done.html",
                           app=applications.get_application(db.session(), actor(), application_id))
