"""Administrators: staff accounts (事務局・プロセス設計者・システム管理者) — list, create with a
temporary password shown once, new temporary password, suspend and restore."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from engine import tasks
from forms.administration import StaffForm
from forms.enrolment import ConfirmForm
from membership import associations, staff
from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors, translate
from ..security import actor, roles_required
from . import form_step

bp = Blueprint("staff", __name__, url_prefix="/admin/users")


def _page(errors=None, typed=None, handed=None, status=200):
    s = db.session()
    filters = {k: request.args.get(k, "") for k in ("association", "role", "q")}
    rows = staff.list_staff(s, actor(), **filters)
    response = make_response(render_template(
        "staff/index.html", rows=rows, filters=filters, roles=staff.STAFF_ROLES, errors=errors or {},
        typed=typed or {}, handed=handed, associations=associations.list_associations(s), form=ConfirmForm()), status)
    if handed:  # a temporary password is on the page: never cached
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["GET", "POST"])
@roles_required("admin")
def index():
    done, created, errors = form_step.run(StaffForm(), lambda f: staff.create_staff(db.session(), actor(), f.data))
    if done:
        account, password = created
        return _page(handed={"login_id": account.login_id, "password": password, "created": True})
    if errors:
        return _page(errors=errors, typed={k: request.form.get(k, "") for k in
                                           ("login_id", "name", "role", "association", "email")}, status=422)
    return _page()


@bp.route("/<int:user_id>", methods=["POST"])
@roles_required("admin")
def change(user_id):
    """New temporary password, suspend (with the reason) or restore."""
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("staff.index"))
    s = db.session()
    action = request.form.get("action", "")
    try:
        if action == "reissue":
            account, password = staff.reissue_password(s, actor(), user_id)
            db.commit()
            return _page(handed={"login_id": account.login_id, "password": password, "created": False})
        staff.set_active(s, actor(), user_id, action == "enable", request.form.get("reason", ""))
        released = 0 if action == "enable" else tasks.release_claims(
            s, actor(), user_id, "担当者のアカウント停止により担当を解除しました")
    except ValidationFailed as exc:
        db.rollback()
        for text in field_errors(exc).values():
            flash(text, "error")
        return redirect(url_for("staff.index"))
    db.commit()
    flash(translate("アカウントを停止しました。") if action != "enable" else translate("アカウントを再開しました。"),
          "success")
    if released:
        flash(translate("担当していたタスクを事務局に戻しました") + f": {released}", "info")
    return redirect(url_for("staff.index"))
