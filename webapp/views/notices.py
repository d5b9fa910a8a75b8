"""お知らせ管理: admins write notices for everyone, a secretariat for its own members."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from forms.enrolment import ConfirmForm
from membership import notices
from membership.errors import ValidationFailed
from membership.fields import parse_id

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
    editing = parse_id(request.values.get("edit") or "")
    values = request.form if request.method == "POST" else {}
    if editing is not None and request.method == "GET":  # 修正: the form filled with the notice
        n = notices.get(s, actor(), editing)
        values = {"title": n.title, "body": n.body, "publish_from": n.publish_from.isoformat(),
                  "publish_until": n.publish_until.isoformat() if n.publish_until else ""}
    if request.method == "POST" and form.validate_on_submit():
        fields_ = (values.get("title"), values.get("body"), values.get("publish_from"), values.get("publish_until"))
        try:
            if editing is not None:
                notices.update(s, actor(), editing, *fields_)
            else:
                notices.create(s, actor(), *fields_)
        except ValidationFailed as exc:
            db.rollback()
            errors = field_errors(exc)
        else:
            db.commit()
            if editing is not None:
                flash(translate("お知らせを更新しました。"), "success")
            else:
                flash(translate("お知らせを登録しました。"), "success")
            return redirect(url_for("notices.manage"))
    return render_template("notices/manage.html", notices=notices.managed_by(s, actor()), form=form,
                           errors=errors, values=values, editing=editing), (422 if errors else 200)


@bp.route("/notices/<int:notice_id>/delete", methods=["POST"])
@roles_required("admin", "secretariat")
def delete(notice_id):
    notices.delete(db.session(), actor(), notice_id)  # NotFound unless the actor manages it
    db.commit()
    flash(translate("お知らせを削除しました。"), "success")
    return redirect(url_for("notices.manage"))
