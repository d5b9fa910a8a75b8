"""お知らせ管理: admins write notices for everyone, a secretariat for its own members."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms.enrolment import ConfirmForm
from membership import notices
from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors, translate
from ..security import actor, roles_required

bp = Blueprint("notices", __name__)


@bp.route("/notices", methods=["GET", "POST"])
@roles_required("admin", "secretariat")
def manage():
    s = db.session()
    errors: dict[str, str] = {}
    form = ConfirmForm()
    values = request.form if request.method == "POST" else {}
    if request.method == "POST" and form.validate_on_submit():
        try:
            notices.create(s, actor(), values.get("title"), values.get("body"), values.get("publish_from"),
                           values.get("publish_until"))
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            flash(translate("お知らせを登録しました。"), "success")
            return redirect(url_for("notices.manage"))
    return render_template("notices/manage.html", notices=notices.managed_by(s, actor()), form=form,
                           errors=errors, values=values), (422 if errors else 200)


@bp.route("/notices/<int:notice_id>/delete", methods=["POST"])
@roles_required("admin", "secretariat")
def delete(notice_id):
    notices.delete(db.session(), actor(), notice_id)  # NotFound unless the actor manages it
    db.commit()
    flash(translate("お知らせを削除しました。"), "success")
    return redirect(url_for("notices.manage"))
