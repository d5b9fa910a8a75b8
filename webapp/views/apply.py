"""The enrolment wizard (入会届): 1 choose associations → 2 input (with documents) → 3 confirm.

What the steps collect is kept server-side in a draft (membership.drafts); the browser session
holds only the draft's id. 一時保存 on any step keeps what was typed and lists the draft on My
Page, from where it is resumed or deleted. Uploaded documents belong to the draft until filing.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from engine import flows
from forms.enrolment import ChooseAssociationsForm, ConfirmForm, EnrolmentInputForm
from membership import applications, associations, drafts, members, uploads
from membership.errors import Conflict, ValidationFailed
from membership.reference import DUTY_CODES

from .. import db
from ..i18n import field_errors, message, translate
from ..security import actor, roles_required
from .draft_files import (
    after_conflict,
    current_draft,
    store_uploads,
    to_where_drafts_are_listed,
    upload_root,
)
from .draft_files import delete_document as delete_draft_document

bp = Blueprint("apply", __name__, url_prefix="/apply")
KEY = "enrolment"


STEP_ENDPOINTS = {"choose": "apply.choose", "input": "apply.details", "confirm": "apply.confirm"}


@bp.errorhandler(Conflict)
def _lost_to_the_filing(exc: Conflict):
    return after_conflict(KEY, exc)


def _current():
    """The draft this browser is composing, or None."""
    return current_draft(KEY)


def _draft() -> dict:
    current = _current()
    return dict(current.data or {}) if current else {}


def _save(step: str | None = None, **values):
    """Record values in the draft (made on first use) and commit."""
    s = db.session()
    current = _current()
    if current is None:
        current = drafts.start(s, actor(), KEY, actor().user_id)
        session[KEY] = {"draft_id": current.id}
    drafts.update(s, current, step, **values)
    db.commit()
    return current


def _keep_for_later(step: str, **values):
    """一時保存: keep what was typed, unchecked, and go to where drafts are listed."""
    s = db.session()
    current = _current() or _save(step)
    drafts.save(s, actor(), current, step, **values)
    db.commit()
    session.pop(KEY, None)
    return to_where_drafts_are_listed()


def _acting_for() -> str | None:
    """The member a secretariat is filing for (利用規約 §5-5), or None when members file themselves."""
    return _draft().get("on_behalf_of") if actor().is_secretariat else None


@bp.context_processor
def _acting_banner():
    """The member a secretariat is filing for, for the banner on every step."""
    if not (current_user.is_authenticated and current_user.role == "secretariat"):
        return {"acting_name": None}
    return {"acting_name": _draft().get("on_behalf_name")}


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
    physician = members.get_member_to_act(s, actor(), physician_id)  # NotFound outside the scope
    account = members.account_of(s, physician.id)
    if account is None:
        abort(404)
    draft = drafts.start(s, actor(), KEY, account.id,
                         {"on_behalf_of": account.login_id, "on_behalf_name": physician.full_name})
    db.commit()
    session[KEY] = {"draft_id": draft.id}
    return redirect(url_for("apply.choose"))


@bp.route("/enrolment/new")
@roles_required("member")
def new():
    """Start a fresh enrolment (the one being composed, if any, stays as it is)."""
    session.pop(KEY, None)
    return redirect(url_for("apply.choose"))


@bp.route("/enrolment/additional/<int:group_id>", methods=["GET", "POST"])
@roles_required("member")
def additional(group_id):
    """追加入会: join the layers above one of the member's groups (from its facility) — or, for a
    group that skipped the city (a prefecture's and JMA's member only), a city of that prefecture."""
    s = db.session()
    group = applications.own_group(s, actor(), group_id)  # NotFound unless it is the member's
    missing = applications.upper_missing(group)
    lower = applications.lower_missing(s, group)
    form = ChooseAssociationsForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        picked = [a for a in missing if request.form.get(f"join-{a.code}") == "y"] + \
            [a for a in lower if request.form.get("lower") == a.code]
        chosen = [{"code": a.code, "category": form.category.data.get(a.code, "")}
                  for a in sorted(picked, key=lambda a: -a.layer)]
        try:
            applications.check_extension(s, actor(), group.id, chosen)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        else:
            draft = drafts.start(s, actor(), KEY, actor().user_id, {
                "associations": chosen, "group_id": group.id,
                "facility_id": group.facility_id or ("home" if group.home_member else "undecided")})
            drafts.update(s, draft, "input")
            db.commit()
            session[KEY] = {"draft_id": draft.id}
            return redirect(url_for("apply.details"))
    errors = {**form.first_errors(), **errors}
    return render_template("apply/additional.html", group=group, missing=missing, lower=lower, form=form,
                           errors=errors), (422 if errors else 200)


@bp.route("/enrolment/drafts/<int:draft_id>")
@roles_required("member", "secretariat")
def resume(draft_id):
    draft = drafts.get(db.session(), actor(), draft_id)  # NotFound unless it is the actor's
    if draft.kind == "transfer":  # My Page lists every kind's drafts with this link
        return redirect(url_for("transfer.resume", draft_id=draft.id))
    session[KEY] = {"draft_id": draft.id}
    return redirect(url_for(STEP_ENDPOINTS.get(draft.step, "apply.choose")))


@bp.route("/enrolment/drafts/<int:draft_id>/delete", methods=["POST"])
@roles_required("member", "secretariat")
def discard(draft_id):
    drafts.discard(db.session(), actor(), draft_id, upload_root())
    db.commit()
    if (session.get(KEY) or {}).get("draft_id") == draft_id:
        session.pop(KEY, None)
    flash(translate("作成中の申請を削除しました。"), "success")
    return redirect(url_for("members.index") if actor().is_secretariat else url_for("mypage.index"))


#: the fields of the enrolment's input step, in the page's order
INPUT_ORDER = {name: i for i, name in enumerate(("desired_date", "facility_id", "facility_name", "designations",
                                                  "duty_code", "position"))}
_CHOICE = re.compile(r"associations\[(\d+)\](?:\.(code|category))?")


def _on_the_choice_page(errors: dict[str, str], chosen: list[dict]) -> dict[str, str]:
    """The chain's errors keyed by what the page shows: an association's category as
    category-<code> (its select, where the message is repeated), the rest as associations (the
    choices as a whole); in the page's order, lowest layer first."""
    out: dict[str, str] = {}
    for key, text in errors.items():
        m = _CHOICE.fullmatch(key)
        if m and m.group(2) == "category" and int(m.group(1)) < len(chosen):
            out[f"category-{chosen[int(m.group(1))]['code']}"] = text
        else:
            out.setdefault("associations", text)
    return out


@bp.route("/enrolment", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def choose():
    s = db.session()
    draft = _draft()
    pref = request.values.get("pref", "") or (draft.get("pref", "") if request.method == "GET" else "")
    city = request.values.get("city", "") or (draft.get("city", "") if request.method == "GET" else "")
    prefs = associations.prefectures(s)
    cities = associations.cities(s, pref) if pref else []
    choices = associations.local_choices(s, pref, city) if pref and city else None
    form = ChooseAssociationsForm()
    errors: dict[str, str] = {}
    prefecture = choices["prefecture"].code if choices and choices["prefecture"] else None
    jma = choices["jma"].code if choices and choices["jma"] else None
    if request.method == "POST" and request.form.get("action") == "save_draft":
        values = {"pref": pref, "city": city}
        if choices is not None:
            values["associations"] = form.chosen(prefecture, jma)
        return _keep_for_later("choose", **values)
    if request.method == "POST" and choices is not None and form.validate_on_submit():
        chosen = form.chosen(prefecture, jma)
        try:
            applications.check_chain(s, actor(), chosen, on_behalf_of=_acting_for())
        except ValidationFailed as exc:
            errors = _on_the_choice_page(field_errors(exc), chosen)
        else:
            _save("input", associations=chosen, pref=pref, city=city)
            return redirect(url_for("apply.details"))
    elif request.method == "GET" and draft.get("city") == city and city:
        previous = {c["code"]: c["category"] for c in draft.get("associations", [])}
        for level in ("layer4", "layer3"):
            picked = [a.code for a in choices[level] if a.code in previous] if choices else []
            getattr(form, level).data = picked[0] if picked else None
        form.join_prefecture.data = bool(prefecture and prefecture in previous)
        form.join_jma.data = bool(jma and jma in previous)
        form.category.data = previous
    errors = {**form.first_errors(), **errors}
    if request.method == "GET" and request.args.get("search"):  # 検索 with a field left unchosen: say which
        if not pref:
            errors["pref"] = message("choose", field="pref")
        elif not city:
            errors["city"] = message("choose", field="city")
    extendable = applications.extendable_groups(s, actor()) if actor().role == "member" else []
    return render_template("apply/choose.html", form=form, prefs=prefs, cities=cities, pref=pref, city=city,
                           choices=choices, errors=errors, extendable=extendable), (422 if errors else 200)


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
    current = _current()
    draft = dict(current.data or {}) if current else {}
    if not draft.get("associations"):
        return redirect(url_for("apply.choose"))
    s = db.session()
    fields = ("desired_date", "facility_id", "facility_name", "duty_code", "position", "designations")
    form = EnrolmentInputForm(data={k: draft.get(k) for k in fields})
    action = (request.form.get("action") or "next") if request.method == "POST" else None
    errors: dict[str, str] = {}
    codes = [c["code"] for c in draft["associations"]]
    if request.method == "POST":  # files chosen before a facility search are kept too, not dropped
        errors = store_uploads(s, current, codes)
        if errors:
            db.rollback()  # none of this request's files is kept (their rows and bytes go)
            current = _current()
        else:
            db.commit()
        if action != "save_draft":  # what was typed, unchecked, survives a reload (a phone back from its camera)
            current = _save(None, **{k: getattr(form, k).data for k in fields})
    if action == "save_draft" and not errors:
        return _keep_for_later("input", **{k: getattr(form, k).data for k in fields})
    if request.method == "POST" and action == "next" and not errors and form.validate_on_submit():
        mode = form.facility_id.data if form.facility_id.data in applications.FACILITY_MODES else None
        facility = None if mode else associations.get_facility(s, form.facility_id.data)
        try:
            applications.check_desired_date(form.desired_date.data)
        except ValidationFailed as exc:
            errors.update(field_errors(exc))
        if facility is None and mode is None:
            errors["facility_id"] = field_errors(ValidationFailed.one("facility_id", "unknown_facility"))["facility_id"]
        elif not errors:
            _save("confirm", desired_date=form.desired_date.data, facility_id=mode or facility.id,
                  facility_name=form.facility_name.data if mode == "undecided" else "",
                  duty_code=form.duty_code.data, position=form.position.data or "",
                  designations=form.designations.data or [])
            return redirect(url_for("apply.confirm"))
    if request.method == "POST" and action == "next":
        errors = {**form.first_errors(), **errors}
        # the summary lists them as the page shows the fields (the form declares the duty first)
        errors = dict(sorted(errors.items(), key=lambda item: INPUT_ORDER.get(item[0], len(INPUT_ORDER))))
    q = form.facility_q.data or ""
    results = associations.search_facilities(s, q) if q else []
    selected = associations.get_facility(s, form.facility_id.data) \
        if form.facility_id.data and form.facility_id.data not in applications.FACILITY_MODES else None
    by_code = associations.get_by_codes(s, codes)
    documents = uploads.of_draft(s, current) if current else []
    return render_template("apply/input.html", form=form, errors=errors, facilities=results, q=q,
                           selected=selected, duty_codes=DUTY_CODES, documents=documents,
                           targets=[by_code[c] for c in codes if c in by_code], max_files=uploads.MAX_FILES), \
        (422 if errors else 200)


@bp.route("/enrolment/documents/<int:document_id>/delete", methods=["POST"])
@roles_required("member", "secretariat")
def delete_document(document_id):
    return delete_draft_document(KEY, document_id, url_for("apply.details"))


@bp.route("/enrolment/confirm", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def confirm():
    current = _current()
    draft = dict(current.data or {}) if current else {}
    if not draft.get("associations"):
        return redirect(url_for("apply.choose"))
    if not draft.get("facility_id"):
        return redirect(url_for("apply.details"))
    s = db.session()
    form = ConfirmForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and request.form.get("action") == "save_draft":
        return _keep_for_later("confirm")
    if form.validate_on_submit():
        body = {"kind": "enrolment", **{k: draft.get(k) for k in (
            "desired_date", "facility_id", "duty_code", "position", "associations", "designations")}}
        if draft.get("facility_name"):
            body["facility_name"] = draft["facility_name"]
        if draft.get("group_id"):
            body["group_id"] = draft["group_id"]  # 追加入会 into an existing group
        if _acting_for():
            body["on_behalf_of"] = _acting_for()
        try:
            app = flows.submit_application(s, actor(), body, draft=current, upload_root=upload_root())
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
            current = _current()
        else:
            db.commit()
            acting = draft.get("on_behalf_of")
            session.pop(KEY, None)
            if acting and actor().is_secretariat:
                flash(translate("会員に代わって入会届を提出しました。"), "success")
                return redirect(url_for("members.detail", physician_id=app.physician_id))
            return redirect(url_for("apply.done", application_id=app.id))
    by_code = associations.get_by_codes(s, [c["code"] for c in draft["associations"]])
    chosen = [(by_code[c["code"]], next((cat.label for cat in by_code[c["code"]].categories
                                         if cat.code == c["category"]), c["category"]))
              for c in draft["associations"] if c["code"] in by_code]
    mode = draft["facility_id"] if draft["facility_id"] in applications.FACILITY_MODES else None
    facility = None if mode else associations.get_facility(s, draft["facility_id"])
    return render_template("apply/confirm.html", form=form, draft=draft, chosen=chosen, facility=facility,
                           facility_mode=applications.FACILITY_MODES.get(mode),
                           documents=uploads.of_draft(s, current) if current else [],
                           duty=DUTY_CODES.get(draft.get("duty_code", "")), errors=errors), (422 if errors else 200)


@bp.route("/enrolment/done/<int:application_id>")
@roles_required("member", "secretariat")
def done(application_id):
    app = applications.get_application(db.session(), actor(), application_id)
    return render_template("apply/done.html", app=app)
