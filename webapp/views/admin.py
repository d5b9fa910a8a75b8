"""Administrators' screens: the offices' closed days (年末年始 etc.), used for due dates; the import
of credits earned outside MAMIS; the audit trail (操作履歴) and its export."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forms.administration import AssociationEditForm, AssociationForm
from forms.enrolment import ConfirmForm
from membership import (
    associations,
    audit,
    benefits,
    calendar,
    certificate_imports,
    certifications,
    credit_imports,
    fields,
)
from membership.errors import ValidationFailed
from membership.fields import FieldError
from membership.reference import PREFECTURES

from .. import db
from ..csv_response import csv_download
from ..i18n import field_errors, local_time, translate
from ..security import actor, roles_required
from . import csv_import, form_step

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/closed-days", methods=["GET", "POST"])
@roles_required("admin")
def closed_days():
    s = db.session()
    code = request.values.get("association", "jma")
    association = associations.by_code(s, code)
    if association is None:
        abort(404)
    form = ConfirmForm()
    errors = {}
    if form.validate_on_submit():
        try:
            day = calendar.add_closed_day(s, actor(), code, request.form.get("on_date"), request.form.get("label", ""))
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            if day.renamed_from is not None:  # the day was already closed: its name changed, say so
                flash(f"{day.on_date:%Y/%m/%d} " + translate("はすでに休業日でした。名称を変更しました") +
                      f": {day.renamed_from or '—'} → {day.label or '—'}", "info")
            else:
                flash(translate("休業日を登録しました。"), "success")
            return redirect(url_for("admin.closed_days", association=code))
    # what was typed comes back with its errors (a date in the ISO form the date input takes)
    entered = {"on_date": "", "label": request.form.get("label", "")[:200]} if errors else {"on_date": "", "label": ""}
    if errors:
        try:
            entered["on_date"] = fields.date(request.form.get("on_date"), past=False).isoformat()
        except (FieldError, AttributeError):
            entered["on_date"] = ""
    return render_template("admin/closed_days.html", association=association, days=calendar.list_closed_days(
        s, association.id), all_associations=associations.list_associations(s), form=form, errors=errors,
        entered=entered), (422 if errors else 200)


@bp.route("/closed-days/<int:day_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_closed_day(day_id):
    code = request.form.get("association", "jma")
    calendar.remove_closed_day(db.session(), actor(), day_id)
    db.commit()
    return redirect(url_for("admin.closed_days", association=code))


ASSOCIATION_FIELDS = ("code", "kind", "parent", "prefecture", "name", "kana", "email", "tel", "areas")


@bp.route("/associations", methods=["GET", "POST"])
@roles_required("admin")
def associations_index():
    """医師会の管理: every association (by layer, searchable), with a form to add one."""
    s = db.session()
    done, created, errors = form_step.run(AssociationForm(),
                                          lambda f: associations.create_association(s, actor(), f.data))
    if done:
        if not associations.holds_members(created):  # an external body: no categories to set
            flash(translate("医師会を登録しました。"), "success")
            return redirect(url_for("admin.associations_index", q=created.code))
        flash(translate("医師会を登録しました。会員区分を設定してください。"), "success")
        return redirect(url_for("categories.index", code=created.code))
    typed = {k: request.form.get(k, "") for k in ASSOCIATION_FIELDS} if errors else {}
    q = request.args.get("q", "")
    rows = associations.list_associations(s, q=q or None)
    return render_template("admin/associations.html", rows=rows, q=q, errors=errors, typed=typed,
                           kinds=associations.KINDS, prefectures=PREFECTURES,
                           parents=[a for a in associations.list_associations(s) if a.layer < 4
                                    and a.kind != "external"], form=ConfirmForm()), 422 if errors else 200


@bp.route("/associations/<code>", methods=["GET", "POST"])
@roles_required("admin")
def association_edit(code):
    s = db.session()
    association = associations.by_code(s, code)
    if association is None:
        abort(404)
    done, _, errors = form_step.run(AssociationEditForm(), lambda f: associations.update_association(
        s, actor(), code, {**f.data, "seen": request.form.get("seen")}))
    if done:
        flash(translate("医師会の情報を更新しました。"), "success")
        return redirect(url_for("admin.associations_index", q=code))
    # changed by someone else meanwhile: said as that (not as an input error), and the form shows
    # what is saved now, to be edited again
    stale = "seen" in errors
    if stale:
        flash(errors.pop("seen"), "error")
        s.refresh(association)
    typed = {k: request.form.get(k, "") for k in ASSOCIATION_FIELDS} if errors else {}
    return render_template("admin/association_edit.html", a=association, errors=errors, typed=typed,
                           seen=associations.fingerprint(association),
                           kinds=associations.KINDS, form=ConfirmForm()), 409 if stale else 422 if errors else 200


@bp.route("/credits/import", methods=["GET", "POST"])
@roles_required("admin")
def import_credits():
    """日医e-ラーニング, 日医雑誌問題解答 and 紙の単位シール credits from CSV, all or nothing."""
    return csv_import.screen("credits", credit_imports.COLUMNS,
                             intro="制度・区分・取得方法はコードで指定します（例: occupational, update, e_learning）。"
                                   "同じ行を二度取り込んでも単位は増えません。")


@bp.route("/benefits/import", methods=["GET", "POST"])
@roles_required("admin")
def import_benefits():
    """保険・年金の加入状況 from JMA's data, from CSV, all or nothing."""
    return csv_import.screen("benefits", benefits.COLUMNS,
                             intro="種類はコードで指定します（liability: 日本医師会医師賠償責任保険、"
                                   "liability_rider: 日医医賠責特約保険、pension: 日医医師年金）。"
                                   "加入状況は 加入・未加入・脱退 のいずれか。"
                                   "各行はその医師のその種類の状況を置き換えます。")


@bp.route("/certificates/import", methods=["GET", "POST"])
@roles_required("admin")
def import_certificates():
    """Certificates issued before the system, from CSV, all or nothing."""
    return csv_import.screen("certificates", certificate_imports.COLUMNS,
                             intro="システム導入前に交付された認定証を登録します。制度はコードで指定します"
                                   "（occupational, sports, lifelong, primary_care）。"
                                   "同じ認定証を二度取り込んでも増えません。")


@bp.route("/certificates", methods=["GET", "POST"])
@roles_required("admin")
def certificates():
    """Find a certificate by its number and revoke it (with the reason, audited)."""
    s = db.session()
    form = ConfirmForm()
    errors = {}
    number = (request.values.get("number") or "").strip()
    if form.validate_on_submit() and request.form.get("action") == "revoke":
        try:
            certifications.revoke(s, actor(), number, request.form.get("reason", ""))
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            flash(translate("認定を取り消しました。") + f" {number}", "success")
            return redirect(url_for("admin.certificates", number=number))
    found = certifications.by_number(s, number) if number else None
    return render_template("admin/certificates.html", form=form, number=number, found=found, errors=errors,
                           state=certifications.state(found) if found else None,
                           systems=certifications.SYSTEMS), 422 if errors else 200


@bp.route("/audit")
@roles_required("admin")
def audit_trail():
    """Who did what to which object, and for whom: filters, newest first, pages cut at an id."""
    errors = {}
    try:
        query = audit.parse_query(request.args)
    except ValidationFailed as exc:
        errors, query = field_errors(exc), audit.AuditQuery()
    rows, older = audit.search(db.session(), actor(), query, per_page=audit.PER_PAGE)
    details, part_apps = audit.readable(db.session(), rows)
    return render_template("admin/audit.html", rows=rows, older=older, query=query, args=query.as_dict(),
                           details=details, part_apps=part_apps, detail_labels=audit.DETAIL_LABELS,
                           errors=errors, families=audit.ACTION_FAMILIES, object_types=audit.OBJECT_TYPES), \
        (422 if errors else 200)


AUDIT_COLUMNS = ("日時", "操作者", "操作者の氏名", "代理の対象", "代理の対象の氏名", "操作", "対象の種類", "対象のID",
                 "詳細")


@bp.route("/audit.csv")
@roles_required("admin")
def export_audit_trail():
    """The matching rows, all of them, as CSV (UTF-8 with BOM), streamed in batches; the export is
    itself recorded in the trail."""
    try:
        query = audit.parse_query(request.args)
    except ValidationFailed as exc:
        flash(" ".join(field_errors(exc).values()), "error")
        return redirect(url_for("admin.audit_trail"))
    rows = audit.export_rows(db.session(), actor(), query)
    db.commit()

    return csv_download(AUDIT_COLUMNS, ([
        local_time(r.at, "%Y/%m/%d %H:%M:%S"), r.actor_login or "", r.actor_name or "", r.for_login or "",
        r.for_name or "", r.action, r.object_type, "" if r.object_id is None else r.object_id,
        " ".join(f"{k}={v}" for k, v in (r.detail or {}).items())] for r in rows), "audit-trail.csv")
