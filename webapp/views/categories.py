"""会員区分の設定: an association's member categories, kept by its secretariat (or an admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from forms.administration import CategoryEditForm, CategoryForm
from forms.enrolment import ConfirmForm
from membership import categories
from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors, translate
from ..security import actor, roles_required
from . import form_step

bp = Blueprint("categories", __name__, url_prefix="/associations")


@bp.route("/<code>/categories", methods=["GET", "POST"])
@roles_required("secretariat", "admin")
def index(code):
    """The categories (offered, then retired) with a form to add one."""
    s = db.session()
    done, _, errors = form_step.run(CategoryForm(), lambda f: categories.add_category(s, actor(), code, f.data))
    if done:
        flash(translate("会員区分を追加しました。"), "success")
        return redirect(url_for("categories.index", code=code))
    added = {k: request.form.get(k, "") for k in ("code", "label", "criteria")} if errors else {}
    return _page(s, code, errors, added=added)


def _page(s, code: str, errors: dict, added: dict | None = None, row_errors: dict | None = None,
          edited: dict | None = None):
    """The page; `row_errors` / `edited`: a row's refused edit ({category id: {field: text}}), shown
    beside its fields with what was typed (422)."""
    association, rows = categories.list_categories(s, actor(), code)  # Forbidden outside the office
    return render_template("categories/index.html", association=association, rows=rows, errors=errors,
                           added=added or {}, row_errors=row_errors or {}, edited=edited or {},
                           form=ConfirmForm()), 422 if errors or row_errors else 200


def _row_refused(s, code: str, category_id: int, found: dict):
    db.rollback()
    typed = {k: request.form.get(k, "")[:2000] for k in ("label", "criteria")}
    return _page(s, code, {}, row_errors={category_id: found}, edited={category_id: typed})


@bp.route("/<code>/categories/<int:category_id>", methods=["POST"])
@roles_required("secretariat", "admin")
def change(code, category_id):
    """Reword, move, retire or offer again (the button pressed says which)."""
    s = db.session()
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("categories.index", code=code))
    action = request.form.get("action", "")
    try:
        if action == "save":
            edit = CategoryEditForm()
            if not edit.validate():
                return _row_refused(s, code, category_id, edit.first_errors())
            try:
                categories.update_category(s, actor(), code, category_id, edit.data)
            except ValidationFailed as exc:
                return _row_refused(s, code, category_id, field_errors(exc))
        elif action in ("up", "down"):
            categories.move_category(s, actor(), code, category_id, -1 if action == "up" else 1)
        elif action in ("retire", "reinstate"):
            categories.set_retired(s, actor(), code, category_id, action == "retire")
        else:  # no button of this page says that: change nothing, claim nothing
            abort(400)
    except ValidationFailed as exc:
        db.rollback()
        for text in field_errors(exc).values():
            flash(text, "error")
        return redirect(url_for("categories.index", code=code))
    db.commit()
    flash(translate("会員区分を更新しました。"), "success")
    return redirect(url_for("categories.index", code=code, _anchor=f"category-{category_id}"))
