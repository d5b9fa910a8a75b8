"""The enrolment wizard (入会届): 1 choose associations → 2 input → 3 confirm & apply.

What the steps collect is kept in the (signed) session under "enrolment" until submission.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from engine import flows
from forms.enrolment import ChooseAssociationsForm, ConfirmForm, EnrolmentInputForm
from membership import applications, associations, members
from membership.errors import ValidationFailed
from membership.reference import DUTY_CODES

from .. import db
from ..i18n import field_errors, translate
from ..security import actor, roles_required

bp = Blueprint("apply", __name__, url_prefix="/apply")
KEY = "enrolment"


def _draft() -> dict:
    return dict(session.get(KEY) or {})


def _save(**values) -> None:
    draft = _draft()
    draft.update(values)
    session[KEY] = draft


def _acting_for() -> str | None:
    """The member a secretariat is filing for (利用規約 §5-5), or None when members file themselves."""
    return _draft().get("on_behalf_of") if actor().is_secretariat else None


@bp.before_request
def _staff_need_a_member():
    if current_user.is_authenticated and current_user.role == "secretariat" and request.endpoint in (
            "apply.choose", "apply.details", "apply.confirm") and not _draft().get("on_behalf_of"):
        return redirect(url_for("members.index"))
    return None


@bp.route("/enrolment/for/<int:physician_id>", methods=["POST"])
@roles_required("secretariat")
def start_for(physician_id):
    """Start the wizard on behalf of a member of the secretariat's association."""
    s = db.session()
    physician = members.get_member(s, actor(), physician_id)  # NotFound outside the scope
    account = members.account_of(s, physician.id)
    if account is None:
        abort(404)
    session[KEY] = {"on_behalf_of": account.login_id, "on_behalf_name": physician.full_name}
    return redirect(url_for("apply.choose"))


@bp.route("/enrolment", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def choose():
    s = db.session()
    pref = request.values.get("pref", "")
    city = request.values.get("city", "")
    prefs = associations.prefectures(s)
    cities = associations.cities(s, pref) if pref else []
    choices = associations.local_choices(s, pref, city) if pref and city else None
    form = ChooseAssociationsForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and choices is not None and form.validate_on_submit():
        chosen = form.chosen(choices["prefecture"].code if choices["prefecture"] else None,
                             choices["jma"].code if choices["jma"] else None)
        try:
            applications.check_chain(s, actor(), chosen, on_behalf_of=_acting_for())
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            _save(associations=chosen, pref=pref, city=city)
            return redirect(url_for("apply.details"))
    elif request.method == "GET" and _draft().get("city") == city and city:
        previous = {c["code"]: c["category"] for c in _draft().get("associations", [])}
        for level in ("layer4", "layer3"):
            picked = [a.code for a in choices[level] if a.code in previous] if choices else []
            getattr(form, level).data = picked[0] if picked else None
        form.join_prefecture.data = bool(choices and choices["prefecture"] and choices["prefecture"].code in previous)
        form.join_jma.data = bool(choices and choices["jma"] and choices["jma"].code in previous)
        form.category.data = previous
    errors = {**form.first_errors(), **errors}
    return render_template("apply/choose.html", form=form, prefs=prefs, cities=cities, pref=pref, city=city,
                           choices=choices, errors=errors), (422 if errors else 200)


@bp.route("/facilities")
@roles_required("member", "secretariat")
def facilities():
    """htmx partial: facility search results (partial match, space-separated terms)."""
    q = request.args.get("facility_q", "").strip()
    rows = associations.search_facilities(db.session(), q) if q else []
    return render_template("apply/_facilities.html", facilities=rows, q=q, selected=None)


@bp.route("/enrolment/input", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def details():
    draft = _draft()
    if not draft.get("associations"):
        return redirect(url_for("apply.choose"))
    s = db.session()
    form = EnrolmentInputForm(data={k: draft.get(k) for k in ("desired_date", "facility_id", "duty_code", "position")})
    searching = request.method == "POST" and request.form.get("action") == "search"
    errors: dict[str, str] = {}
    if request.method == "POST" and not searching and form.validate_on_submit():
        facility = associations.get_facility(s, form.facility_id.data)
        if facility is None:
            errors["facility_id"] = field_errors(ValidationFailed.one("facility_id", "unknown_facility"))["facility_id"]
        else:
            _save(desired_date=form.desired_date.data, facility_id=facility.id, duty_code=form.duty_code.data,
                  position=form.position.data or "")
            return redirect(url_for("apply.confirm"))
    if not searching:
        errors = {**form.first_errors(), **errors}
    q = form.facility_q.data or ""
    results = associations.search_facilities(s, q) if q else []
    selected = associations.get_facility(s, form.facility_id.data) if form.facility_id.data else None
    return render_template("apply/input.html", form=form, errors=errors, facilities=results, q=q,
                           selected=selected, duty_codes=DUTY_CODES), (422 if errors else 200)


@bp.route("/enrolment/confirm", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def confirm():
    draft = _draft()
    if not draft.get("associations"):
        return redirect(url_for("apply.choose"))
    if not draft.get("facility_id"):
        return redirect(url_for("apply.details"))
    s = db.session()
    form = ConfirmForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        body = {"kind": "enrolment", **{k: draft.get(k) for k in (
            "desired_date", "facility_id", "duty_code", "position", "associations")}}
        if _acting_for():
            body["on_behalf_of"] = _acting_for()
        try:
            app = flows.submit_application(s, actor(), body)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            acting = _draft().get("on_behalf_of")
            session.pop(KEY, None)
            if acting and actor().is_secretariat:
                flash(translate("会員に代わって入会届を提出しました。"), "success")
                return redirect(url_for("members.detail", physician_id=app.physician_id))
            return redirect(url_for("apply.done", application_id=app.id))
    by_code = associations.get_by_codes(s, [c["code"] for c in draft["associations"]])
    chosen = [(by_code[c["code"]], c["category"]) for c in draft["associations"] if c["code"] in by_code]
    facility = associations.get_facility(s, draft["facility_id"])
    return render_template("apply/confirm.html", form=form, draft=draft, chosen=chosen, facility=facility,
                           duty=DUTY_CODES.get(draft.get("duty_code", "")), errors=errors), (422 if errors else 200)


@bp.route("/enrolment/done/<int:application_id>")
@roles_required("member", "secretariat")
def done(application_id):
    app = applications.get_application(db.session(), actor(), application_id)
    return render_template("apply/done.html", app=app)
