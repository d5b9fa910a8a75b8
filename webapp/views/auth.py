"""Login and logout."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from forms.auth import LoginForm
from membership import accounts, notices
from membership.errors import AuthenticationFailed, Throttled
from membership.fields import today_jst

from .. import db
from ..i18n import message
from ..security import SessionUser

bp = Blueprint("auth", __name__)

HOME_FOR_ROLE = {"member": "mypage.index", "secretariat": "inbox.index", "designer": "designer.library",
                 "admin": "members.index"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(db.session(), form.login_id.data, form.password.data,
                                            request.remote_addr or "")
        except (AuthenticationFailed, Throttled) as exc:
            db.commit()  # remember the failure for throttling
            error = message(exc.message_key, **exc.params)
        else:
            db.commit()
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(SessionUser(account))
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for(HOME_FOR_ROLE.get(account.role, "mypage.index"))
            return redirect(target)
    return render_template("auth/login.html", form=form, error=error,
                           notices=notices.public(db.session(), today_jst())), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/")
def root():
    """Each role's home: My Page, the inbox, the process library, the member list."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_FOR_ROLE.get(current_user.role, "mypage.index")))
