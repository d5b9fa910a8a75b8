"""Login and logout."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer

from forms.auth import LoginForm
from membership import accounts, notices
from membership.errors import AuthenticationFailed, Throttled
from membership.fields import today_jst

from .. import db
from ..i18n import current_lang, message
from ..security import SessionUser, clear_session, note_use

bp = Blueprint("auth", __name__)

HOME_FOR_ROLE = {"member": "mypage.index", "secretariat": "inbox.index", "designer": "designer.library",
                 "admin": "members.index"}


# --- known devices: a browser that has logged in to an account before (decision 0011) --------
# A signed cookie, sent to the login page only, holding a random device id and a digest of each
# login ID that succeeded on this browser (not the IDs themselves: a shared PC does not show whose
# accounts were used on it). `accounts.authenticate` throttles such a browser on its own.
KNOWN_COOKIE = "mamis_known"
KNOWN_LIFETIME = dt.timedelta(days=180)
KNOWN_ACCOUNTS = 10


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-device")


def _known() -> dict:
    """{"d": device id, "a": [digests]} from a valid cookie, else {}."""
    raw = request.cookies.get(KNOWN_COOKIE)
    if not raw:
        return {}
    try:
        known = _signer().loads(raw, max_age=int(KNOWN_LIFETIME.total_seconds()))
    except BadData:
        return {}
    if not (isinstance(known, dict) and isinstance(known.get("d"), str) and isinstance(known.get("a"), list)):
        return {}
    return known


def _digest(device: str, login_id: str, epoch: int) -> str:
    """The cookie's entry for one account: bound to the account's auth epoch, so a password change
    voids every browser's entry (cookies gathered while the old password was known exempt nothing)."""
    return hashlib.sha256(f"{device}\n{login_id.strip()}\n{epoch}".encode()).hexdigest()[:20]


def _known_device(login_id: str) -> str:
    """This browser's device id if it has logged in to `login_id` since its password last changed,
    else ''."""
    known = _known()
    if not known:
        return ""
    epoch = accounts.auth_epoch_of(db.session(), (login_id or "").strip())
    return known["d"] if epoch is not None and _digest(known["d"], login_id or "", epoch) in known["a"] else ""


def _remember_device(response, login_id: str, epoch: int):
    known = _known() or {"d": secrets.token_hex(16), "a": []}
    digest = _digest(known["d"], login_id, epoch)
    known["a"] = [digest, *[a for a in known["a"] if a != digest]][:KNOWN_ACCOUNTS]
    response.set_cookie(KNOWN_COOKIE, _signer().dumps(known), max_age=int(KNOWN_LIFETIME.total_seconds()),
                        path=url_for("auth.login"), httponly=True, samesite="Lax",
                        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]))
    return response


def _local_path(target: str) -> bool:
    """Whether `next` is a path on this site. Browsers drop tabs and newlines from a URL and read a
    backslash as a slash, so "/<tab>/evil.example" would leave the site: a target with any of those,
    or naming a scheme or host, is not followed."""
    if not target.startswith("/") or any(ch in target for ch in "\\\t\r\n") or not target.isprintable():
        return False
    parts = urlsplit(target)
    return not target.startswith("//") and not parts.scheme and not parts.netloc


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(db.session(), form.login_id.data, form.password.data,
                                            request.remote_addr or "", device=_known_device(form.login_id.data))
        except (AuthenticationFailed, Throttled) as exc:
            db.commit()  # remember the failure for throttling
            error = message(exc.message_key, **exc.params)
        else:
            sid = accounts.start_login_session(db.session(), account)
            # the language the login page was shown in (chosen, or the browser's): mails follow it
            accounts.set_language(db.session(), account, current_lang())
            db.commit()
            clear_session()  # a fresh session at login: no fixation
            login_user(SessionUser(account, sid))
            target = request.args.get("next", "")
            if not _local_path(target):
                target = url_for(HOME_FOR_ROLE.get(account.role, "mypage.index"))
            return _remember_device(redirect(target), account.login_id, account.auth_epoch)
    # fields left empty: 422 and the page's title says there is an error, as every other form
    invalid = {name: " ".join(f.errors) for name, f in (("login_id", form.login_id), ("password", form.password))
               if f.errors}
    status = 401 if error else 422 if invalid else 200
    return render_template("auth/login.html", form=form, error=error, errors=invalid,
                           notices=notices.public(db.session(), today_jst())), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:  # the login ends: a copy of its cookie no longer works
        accounts.end_login_session(db.session(), current_user.sid)
        db.commit()
    logout_user()
    clear_session()  # the language chosen stays for the login page
    return redirect(url_for("auth.login"))


@bp.route("/keepalive")
def keepalive():
    """「ログインを延長する」 before the idle logout (static/js/idle.js): the login is used now. 204,
    or 401 when it has ended already (the page then says so)."""
    if not current_user.is_authenticated:
        return "", 401
    note_use()
    return "", 204


@bp.route("/")
def root():
    """Each role's home: My Page, the inbox, the process library, the member list."""
    current_lang()  # a ?lang= given here is remembered before the redirect
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOME_FOR_ROLE.get(current_user.role, "mypage.index")))
