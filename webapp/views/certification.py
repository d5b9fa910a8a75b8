"""Credits and certification on My Page (単位・認定), the certificate PDF, and the public page
that checks a certificate's verification code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from engine import flows
from forms.certification import ActivityForm, CreditEntryForm, DeclarationForm
from forms.enrolment import ConfirmForm
from membership import audit, certifications, documents, members, memberships
from membership.errors import ValidationFailed
from membership.fields import figure

from .. import db
from ..csv_response import csv_download
from ..i18n import field_errors, translate
from ..security import actor, holds_members_required, roles_required
from . import form_step

bp = Blueprint("certification", __name__)

LABELS = {"systems": certifications.SYSTEMS, "categories": certifications.CATEGORIES,
          "sources": certifications.SOURCES, "modes": certifications.MODES}
STATES = {"valid": "有効", "expired": "有効期限切れ", "revoked": "取消", "future": "有効期間開始前"}


@bp.route("/mypage/credits")
@roles_required("member")
def credits():
    """The credits ledger by system and category, by year and in the current window; whether a
    certification may be applied for and what is missing; the certificates."""
    me = actor()
    s = db.session()
    eligibility = {system: flows.eligibility(s, me.physician_id, system) for system in certifications.CERTIFIED}
    reviewers = {system: [a.name for a in certifications.chain_for(s, me.physician_id, system)]
                 for system in certifications.CERTIFIED}
    certs = certifications.certificates_of(s, me.physician_id)
    years = sorted({e.earned_on.year for e in certifications.entries(s, me.physician_id, "lifelong")}, reverse=True)
    return render_template("certification/credits.html", ledger=certifications.ledger(s, me.physician_id),
                           eligibility=eligibility, reviewers=reviewers,
                           pending=certifications.pending_applications(s, me.physician_id), own=True,
                           certificates=[(c, certifications.state(c)) for c in certs],
                           labels=LABELS, states=STATES, form=ConfirmForm(), statement_years=years)


@bp.route("/mypage/declaration", methods=["GET", "POST"])
@roles_required("member")
def declaration():
    """生涯教育申告書: declare self-studied lifelong-education credits, one item at a time."""
    form = DeclarationForm()
    return _one_item(form, lambda s, day: certifications.declare(s, actor(), day, form.category.data,
                                                                 form.title.data, form.credits.data),
                     "生涯教育の単位を申告しました。", "lifelong", "certification/declaration.html")


@bp.route("/mypage/activity", methods=["GET", "POST"])
@roles_required("member")
def activity():
    """かかりつけ医機能研修 実地研修: report one activity done (規定の活動), worth fixed credits."""
    form = ActivityForm()
    return _one_item(form, lambda s, day: certifications.report_activity(s, actor(), day, form.activity.data,
                                                                         form.detail.data),
                     "実地研修の活動を報告しました。", "primary_care", "certification/activity.html",
                     credits=certifications.ACTIVITY_CREDITS)


def _one_item(form, record, done: str, system: str, template: str, **template_args):
    """A member's form that records one dated item of credits: `record(session, day)` on a valid
    post, then back to the ledger of `system`; else the form again with every error (422)."""
    recorded, _, errors = form_step.run(form, lambda f: record(db.session(), dt.date.fromisoformat(f.earned_on.data)))
    if recorded:
        flash(translate(done), "success")
        return redirect(url_for("certification.credits", _anchor=f"ledger-{system}"))
    return render_template(template, form=form, errors=errors, **template_args), 422 if errors else 200


@bp.route("/mypage/credits/lifelong-<int:year>.pdf")
@roles_required("member")
def credit_statement(year):
    """学習単位取得証 of one year (lifelong education)."""
    me = actor()
    s = db.session()
    rows = certifications.year_statement(s, me.physician_id, year)
    if not rows:  # a year with no credits (or none that exists) has no statement
        abort(404)
    physician = memberships.physician(s, me.physician_id)
    kinds = certifications.CATEGORIES["lifelong"]
    pdf = documents.credit_statement(
        physician.full_name, physician.registry_number or "", year,
        [(f"{e.earned_on:%Y/%m/%d}", kinds.get(e.category, e.category),
          e.source_ref or certifications.SOURCES[e.source], figure(e.credits)) for e in rows],
        figure(sum((e.credits for e in rows), Decimal(0))))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="credits-{year}.pdf"'})


@bp.route("/mypage/certification/apply", methods=["GET"])
@roles_required("member")
def confirm_application():
    """The 確認 step of a certification application: what will be applied for (the system, new or
    renewal, the credits counted against the requirements), which associations review it in which
    order, and the documents to attach — before anything is filed."""
    me, s = actor(), db.session()
    system = request.args.get("system", "")
    if system not in certifications.CERTIFIED:
        abort(404)
    eligibility = flows.eligibility(s, me.physician_id, system)
    pending = certifications.pending_applications(s, me.physician_id)
    if not eligibility["eligible"] or pending.get(system) or eligibility.get("renewed"):
        flash(translate("この認定制度には、いま申請できません（単位の不足・審査中・更新済みのいずれか）。"
                        "下の表で確認してください。"), "error")
        return redirect(url_for("certification.credits", _anchor=f"eligibility-{system}"))
    return _confirm_page(s, me, system, eligibility, {})


def _confirm_page(s, me, system: str, eligibility: dict, errors: dict):
    return render_template("certification/confirm.html", system=system, e=eligibility, labels=LABELS,
                           reviewers=[a.name for a in certifications.chain_for(s, me.physician_id, system)],
                           form=ConfirmForm(), errors=errors), (422 if errors else 200)


@bp.route("/mypage/certification/apply", methods=["POST"])
@roles_required("member")
def apply():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("certification.credits"))
    files = [(f.filename, f.stream) for f in request.files.getlist("documents") if f and f.filename]
    try:
        app = flows.submit_application(db.session(), actor(), {"kind": "certification",
                                                              "system": request.form.get("system", "")},
                                       upload_root=Path(current_app.config["UPLOAD_DIR"]), files=files)
    except ValidationFailed as exc:
        db.rollback()
        system = request.form.get("system", "")
        if set(exc.fields) <= {"file"} and system in certifications.CERTIFIED:
            # a refused attachment: the same confirmation again, the reason beside the file input
            return _confirm_page(db.session(), actor(), system, flows.eligibility(db.session(), actor().physician_id,
                                                                                  system), field_errors(exc))
        for text in field_errors(exc).values():
            flash(text, "error")
        return redirect(url_for("certification.credits"))
    db.commit()
    flash(translate("認定申請を受け付けました。次の医師会の順に審査されます:") + " "
          + " → ".join(translate(p.association.name) for p in app.parts), "success")
    return redirect(url_for("mypage.application", application_id=app.id))


@bp.route("/members/<int:physician_id>/certification", methods=["GET", "POST"])
@roles_required("secretariat")
def apply_for(physician_id):
    """A secretariat enters a member's certification application received on paper (紙の申請書,
    the seed's transition period): the member's eligibility as on My Page, then the same
    application, filed on the member's behalf with the scanned form attached."""
    s, me = db.session(), actor()
    physician = members.get_member_to_act(s, me, physician_id)  # NotFound outside the office's members
    account = members.account_of(s, physician_id)
    if account is None:
        abort(404)
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        files = [(f.filename, f.stream) for f in request.files.getlist("documents") if f and f.filename]
        try:
            flows.submit_application(s, me, {"kind": "certification", "system": request.form.get("system", ""),
                                             "on_behalf_of": account.login_id},
                                     upload_root=Path(current_app.config["UPLOAD_DIR"]), files=files)
        except ValidationFailed as exc:
            db.rollback()
            for text in field_errors(exc).values():
                flash(text, "error")
            return redirect(url_for("certification.apply_for", physician_id=physician_id))
        db.commit()
        flash(translate("会員に代わって認定申請を提出しました。"), "success")
        return redirect(url_for("members.detail", physician_id=physician_id))
    return _apply_for_page(physician, CreditEntryForm(formdata=None), {})


@bp.route("/members/<int:physician_id>/credits", methods=["POST"])
@roles_required("secretariat")
def enter_credits(physician_id):
    """手帳単位の入力: the office enters credits shown on paper for the member, one line at a time."""
    s, me = db.session(), actor()
    physician = members.get_member_to_act(s, me, physician_id)
    entry = CreditEntryForm()

    def enter(f):
        system, _, category = f.kind.data.partition(":")
        return certifications.enter_credits(s, me, physician_id, system, category, f.credits.data,
                                            dt.date.fromisoformat(f.earned_on.data), f.note.data)

    done, _, errors = form_step.run(entry, enter)
    if done:
        flash(translate("単位を入力しました。"), "success")
        return redirect(url_for("certification.apply_for", physician_id=physician_id, _anchor="entered"))
    for field in ("system", "category"):  # one select on this form
        if field in errors:
            errors["kind"] = errors.pop(field)
    return _apply_for_page(physician, entry, errors), 422 if errors else 200


def _apply_for_page(physician, entry, entry_errors):
    s = db.session()
    eligibility = {system: flows.eligibility(s, physician.id, system) for system in certifications.CERTIFIED}
    reviewers = {system: [a.name for a in certifications.chain_for(s, physician.id, system)]
                 for system in certifications.CERTIFIED}
    return render_template("certification/apply_for.html", physician=physician, eligibility=eligibility,
                           reviewers=reviewers, pending=certifications.pending_applications(s, physician.id),
                           labels=LABELS, form=ConfirmForm(), entry=entry,
                           entry_errors=entry_errors, entries=certifications.entries(s, physician.id)[:20],
                           certificates=[(c, certifications.state(c))
                                         for c in certifications.certificates_of(s, physician.id)], states=STATES)


@bp.route("/mypage/certificates/<int:certificate_id>.pdf")
@roles_required("member")
def certificate_pdf(certificate_id):
    return _certificate_pdf(certificate_id)


@bp.route("/members/certificates/<int:certificate_id>.pdf")
@roles_required("secretariat")
@holds_members_required
def member_certificate_pdf(certificate_id):
    """The office prints a member's certificate (認定証) — its own members' only."""
    return _certificate_pdf(certificate_id)


def _certificate_pdf(certificate_id: int):
    s = db.session()
    cert = certifications.get_certificate(s, actor(), certificate_id)
    db.commit()  # the office's print is recorded
    physician = memberships.physician(s, cert.physician_id)
    _prefix, title, sentence = certifications.CERTIFICATE_TEXT[cert.system]
    pdf = documents.certificate(title, sentence, physician.full_name, cert.number,
                                cert.valid_from, cert.valid_until, cert.verification_code,
                                url_for("certification.verify", _external=True),
                                issuer=certifications.issuer(s, cert))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{cert.number}.pdf"'})


@bp.route("/members/certified")
@roles_required("secretariat", "admin")
@holds_members_required
def roster():
    """認定医名簿: the office's members holding a certificate — valid, ending within six months
    without a renewal (to remind them), or ended — by system, searchable, as CSV too."""
    s, me = db.session(), actor()
    filters = {"system": request.args.get("system", ""), "state": request.args.get("state", "valid"),
               "q": request.args.get("q", "")}
    try:
        page = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        page = 1
    errors: dict[str, str] = {}
    try:
        rows, total = certifications.roster(s, me, page=page, **filters)
    except ValidationFailed as exc:
        errors, filters = field_errors(exc), {"system": "", "state": "valid", "q": filters["q"]}
        rows, total = certifications.roster(s, me, page=page, **filters)
    pages = max((total + certifications.ROSTER_PAGE - 1) // certifications.ROSTER_PAGE, 1)
    listed = [c.physician_id for c in rows]
    return render_template("certification/roster.html", rows=rows, total=total, page=page, pages=pages,
                           ours=certifications.own_members(s, me, listed),
                           affiliations=certifications.roster_affiliations(s, me, listed),
                           filters=filters, errors=errors, labels=LABELS, systems=certifications.CERTIFIED,
                           roster_states=certifications.ROSTER_STATES), 422 if errors else 200


@bp.route("/members/certified.csv")
@roles_required("secretariat", "admin")
@holds_members_required
def roster_csv():
    """The roster (filters applied) as CSV, UTF-8 with BOM; streamed, however long."""
    try:
        lines = certifications.roster_lines(db.session(), actor(), request.args.get("system", ""),
                                            request.args.get("state", "valid"), request.args.get("q", ""))
    except ValidationFailed as exc:
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("certification.roster"))
    audit.record(db.session(), actor(), "certificate.roster_export", "association", actor().association_id,
                 filters={k: request.args.get(k, "") for k in ("system", "state", "q") if request.args.get(k)})
    db.commit()
    return csv_download(certifications.ROSTER_HEADINGS, lines, "certified.csv")


@bp.route("/verify")
def verify():
    """Public (no login): is this certificate valid? Only the name, system, number, period and
    state are shown — no other personal data."""
    code = (request.args.get("code") or "").strip()[:40]
    found = certifications.verify(db.session(), code) if code else None
    result = None
    if found is not None:
        physician = memberships.physician(db.session(), found.physician_id)
        result = {"name": physician.full_name, "system": certifications.SYSTEMS[found.system],
                  "number": found.number, "valid_from": found.valid_from, "valid_until": found.valid_until,
                  "state": certifications.state(found)}
    status = 404 if code and found is None else 200
    return render_template("certification/verify.html", code=code, result=result, states=STATES), status
