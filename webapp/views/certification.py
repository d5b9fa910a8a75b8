"""Credits and certification on My Page (単位・認定), the certificate PDF, and the public page
that checks a certificate's verification code."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine import flows
from forms.enrolment import ConfirmForm
from membership import certifications, documents, memberships
from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors, translate
from ..security import actor, roles_required

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
    certs = certifications.certificates_of(s, me.physician_id)
    return render_template("certification/credits.html", ledger=certifications.ledger(s, me.physician_id),
                           eligibility=eligibility, certificates=[(c, certifications.state(c)) for c in certs],
                           labels=LABELS, states=STATES, form=ConfirmForm())


@bp.route("/mypage/certification/apply", methods=["POST"])
@roles_required("member")
def apply():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("certification.credits"))
    try:
        app = flows.submit_application(db.session(), actor(), {"kind": "certification",
                                                              "system": request.form.get("system", "")})
    except ValidationFailed as exc:
        db.rollback()
        for text in field_errors(exc).values():
            flash(text, "error")
        return redirect(url_for("certification.credits"))
    db.commit()
    flash(translate("認定申請を受け付けました。郡市区医師会・都道府県医師会・日本医師会の順に審査されます。"),
          "success")
    return redirect(url_for("mypage.application", application_id=app.id))


@bp.route("/mypage/certificates/<int:certificate_id>.pdf")
@roles_required("member")
def certificate_pdf(certificate_id):
    s = db.session()
    cert = certifications.get_certificate(s, actor(), certificate_id)
    physician = memberships.physician(s, cert.physician_id)
    pdf = documents.certificate(certifications.SYSTEMS[cert.system], physician.full_name, cert.number,
                                cert.valid_from, cert.valid_until, cert.verification_code,
                                url_for("certification.verify", _external=True))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{cert.number}.pdf"'})


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
