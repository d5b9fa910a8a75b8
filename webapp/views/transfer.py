"""The transfer screens (異動届): 1 the group, the new local associations (with categories; the
prefecture's too when the move leaves the prefecture), the new facility with the duty and position
there, and the date → 2 confirm: what will be left, joined and recorded, and the documents each
association concerned asks for → done. The domain derives and checks the parts.

What the steps collect is kept server-side in a draft (membership.drafts), as the enrolment
wizard's: 一時保存 on either step lists it on My Page (staff: the member list) to resume or
delete, and the uploaded documents belong to it until filing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from engine import flows
from forms.enrolment import ConfirmForm, TransferForm
from membership import applications, associations, drafts, members, transfers, uploads, withdrawals
from membership.errors import Conflict, ValidationFailed
from membership.reference import DUTY_CODES

from .. import db
from ..i18n import field_errors
from ..security import actor, roles_required
from . import acting
from .draft_files import (
    after_conflict,
    current_draft,
    store_uploads,
    to_where_drafts_are_listed,
    upload_root,
)
from .draft_files import delete_document as delete_draft_document

bp = Blueprint("transfer", __name__, url_prefix="/apply/transfer")
KEY = "transfer"  # {"draft_id"} of the draft this browser is composing
FOR = "transfer_for"
STEP_ENDPOINTS = {"form": "transfer.form", "confirm": "transfer.confirm"}


@bp.errorhandler(Conflict)
def _lost_to_the_filing(exc: Conflict):
    return after_conflict(KEY, exc)


def _current():
    """The draft this browser is composing, or None."""
    return current_draft(KEY)


def _draft_for_update():
    """The draft being composed, made on first use (owned by the member, or by the secretariat
    acting for one, who is remembered in it for resumption)."""
    current = _current()
    if current is None:
        s = db.session()
        acting_ = acting.acting_for(FOR)
        applicant = members.account_of(s, acting_["physician_id"]).id if acting_ else actor().user_id
        current = drafts.start(s, actor(), "transfer", applicant,
                               {"acting": acting_, "on_behalf_name": acting_["name"]} if acting_ else {})
        session[KEY] = {"draft_id": current.id}
    return current


def _keep_for_later(step: str, **values):
    """一時保存: keep what was entered, unchecked, and go to where drafts are listed."""
    s = db.session()
    drafts.save(s, actor(), _draft_for_update(), step, **values)
    db.commit()
    session.pop(KEY, None)
    session.pop(FOR, None)
    return to_where_drafts_are_listed()


@bp.route("/for/<int:physician_id>", methods=["POST"])
@roles_required("secretariat")
def start_for(physician_id):
    """A secretariat files a transfer for a member of its association."""
    acting.start(FOR, physician_id)
    session.pop(KEY, None)
    return redirect(url_for("transfer.form"))


@bp.route("/new")
@roles_required("member")
def new():
    """Start a fresh transfer (a draft being composed, if any, stays as it is)."""
    session.pop(KEY, None)
    return redirect(url_for("transfer.form"))


@bp.route("/drafts/<int:draft_id>")
@roles_required("member", "secretariat")
def resume(draft_id):
    draft = drafts.get(db.session(), actor(), draft_id)  # NotFound unless it is the actor's
    if draft.kind != "transfer":
        abort(404)
    session[KEY] = {"draft_id": draft.id}
    if actor().is_secretariat:
        session[FOR] = (draft.data or {}).get("acting")
    step = STEP_ENDPOINTS.get(draft.step, "transfer.form")
    return redirect(url_for(step, back=1) if step == "transfer.form" else url_for(step))


def _body(form: TransferForm, choices) -> dict:
    codes = [c for c in (request.form.get("layer4"), request.form.get("layer3")) if c and c != "none"]
    prefecture = choices["prefecture"] if choices else None
    if prefecture is not None and form.category.data.get(prefecture.code):
        codes.append(prefecture.code)
    return {"kind": "transfer", "group_id": request.form.get("group_id"),
            "facility_id": request.form.get("facility_id"),
            **({"facility_name": request.form.get("facility_name", "")}
               if request.form.get("facility_id") == "undecided" else {}),
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
    current = _current()
    # 戻る from the confirm page, or a draft resumed: the form as it was sent, nothing lost
    saved = (current.data or {}).get("form") if current is not None and request.method == "GET" \
        and request.args.get("back") else None
    values = saved or request.form
    pref = saved.get("pref", "") if saved else request.values.get("pref", "")
    city = saved.get("city", "") if saved else request.values.get("city", "")
    choices = associations.local_choices(s, pref, city) if pref and city else None
    form_ = TransferForm(formdata=MultiDict(saved)) if saved else TransferForm()
    errors: dict[str, str] = {}
    sent = {**{k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}, "pref": pref, "city": city}
    if request.method == "POST" and request.form.get("action") == "save_draft":
        return _keep_for_later("form", form=sent)
    if request.method == "POST":
        # the form's checks and the domain's together, so that every field's error shows at once
        valid = form_.validate_on_submit()
        body = acting.with_applicant(FOR, _body(form_, choices))
        try:
            plan = transfers.plan(s, physician_id, body, me)
        except ValidationFailed as exc:
            errors = field_errors(exc)
        if valid and not errors:
            # the associations concerned are the ones documents may be uploaded for
            drafts.update(s, _draft_for_update(), "confirm", form=sent, body=body,
                          associations=[{"code": a.code} for _, a, _ in plan["parts"]])
            db.commit()
            return redirect(url_for("transfer.confirm"))
        errors = {**form_.first_errors(), **errors}
    q = values.get("facility_q", "")
    selected = associations.get_facility(s, values.get("facility_id")) \
        if values.get("facility_id") and values.get("facility_id") not in applications.FACILITY_MODES else None
    pending = withdrawals.pending_by_group(s, groups, physician_id) if groups else {}
    return render_template("transfer/form.html", groups=groups, prefs=associations.prefectures(s),
                           cities=associations.cities(s, pref) if pref else [], pref=pref, city=city,
                           choices=choices, form=form_, errors=errors, values=values, q=q,
                           facilities=associations.search_facilities(s, q) if q else [], selected=selected,
                           duty_codes=DUTY_CODES, acting=acting.acting_for(FOR), pending=pending,
                           blocked=bool(groups) and len(pending) == len(groups),
                           # the prefecture's category is asked only when the move leaves the prefecture
                           current_prefectures={m.association.code for g in groups for m in g.memberships
                                                if m.layer == 2 and m.status == "active"}), \
        (422 if errors else 200)


@bp.route("/confirm", methods=["GET", "POST"])
@roles_required("member", "secretariat")
def confirm():
    current = _current()
    body = (current.data or {}).get("body") if current is not None else None
    if not body:
        return redirect(url_for("transfer.form"))
    s = db.session()
    try:
        plan = transfers.plan(s, acting.physician_id(FOR), body, actor())
    except ValidationFailed as exc:  # something changed since (e.g. another application filed)
        flash(next(iter(field_errors(exc).values())), "error")
        return redirect(url_for("transfer.form", back=1))
    form_ = ConfirmForm()
    action = request.form.get("action", "submit") if request.method == "POST" else None
    errors: dict[str, str] = {}
    targets = [a for _, a, _ in plan["parts"]]
    if action and form_.validate_on_submit():
        errors = store_uploads(s, current, [a.code for a in targets])
        if errors:
            db.rollback()  # none of this request's files is kept (their rows and bytes go)
            current = _current()
        elif action == "save_draft":
            return _keep_for_later("confirm")
        elif action == "upload":
            db.commit()
            return redirect(url_for("transfer.confirm") + "#documents")
        else:
            try:
                app = flows.submit_application(s, actor(), body, draft=current, upload_root=upload_root())
            except ValidationFailed as exc:
                db.rollback()
                errors = field_errors(exc)
                current = _current()
            else:
                db.commit()
                session.pop(KEY, None)
                return acting.after_filing(FOR, app, "transfer.done", "会員に代わって異動届を提出しました。")
    elif action:
        errors = form_.first_errors()
    return render_template("transfer/confirm.html", plan=plan, form=form_, errors=errors,
                           duty=DUTY_CODES.get(plan["duty_code"]), targets=targets,
                           documents=uploads.of_draft(s, current) if current else [], max_files=uploads.MAX_FILES,
                           acting=acting.acting_for(FOR)), \
        (422 if errors else 200)


@bp.route("/documents/<int:document_id>/delete", methods=["POST"])
@roles_required("member", "secretariat")
def delete_document(document_id):
    return delete_draft_document(KEY, document_id, url_for("transfer.confirm"))


@bp.route("/done/<int:application_id>")
@roles_required("member")
def done(application_id):
    return render_template("transfer/done.html",
                           app=applications.get_application(db.session(), actor(), application_id))
