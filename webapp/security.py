"""Login sessions (Flask-Login), CSRF, API tokens and security headers: who the caller is."""

from __future__ import annotations

import time
from functools import wraps

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_url
from flask_login import login_required as login_required
from flask_wtf.csrf import CSRFProtect

from membership import accounts, associations, fields, memberships, registration
from membership.actors import Actor
from membership.errors import ValidationFailed

from . import db
from .i18n import translate

login_manager = LoginManager()
csrf = CSRFProtect()


class SessionUser(UserMixin):
    """The logged-in account as Flask-Login sees it. The id carries the account's auth epoch, so
    a password change (which bumps the epoch) logs out every other session, and the login's own
    id (`accounts.start_login_session`), which logging out ends."""

    def __init__(self, account, sid: str):
        self.account_id = account.id
        self.epoch = account.auth_epoch
        self.sid = sid
        self.refresh(account)

    def refresh(self, account) -> None:
        """Take over what a use case changed on the account during this request."""
        self.actor = Actor.of(account)
        self.login_id = account.login_id
        self.role = account.role
        self.name = account.display_name
        self.association_code = account.association.code if account.association_id else None
        #: False for an external body's staff: no member categories, imports or login notices
        self.holds_members = associations.holds_members(account.association)
        #: a first-login step still to do ("terms", "email", "credentials") or None
        self.pending = registration.pending_step(account)
        #: the language last chosen (mails are written in it)
        self.lang = account.lang
        self._belongs = None

    @property
    def belongs(self) -> bool:
        """A member of some association (read once a request, when a page asks): the menu offers
        異動届, 退会届, 会員証 and 会費減免申請 only then."""
        if self._belongs is None:
            self._belongs = bool(self.actor.physician_id) and memberships.holds_any(db.session(),
                                                                                  self.actor.physician_id)
        return self._belongs

    def get_id(self) -> str:
        return f"{self.account_id}:{self.epoch}:{self.sid}"


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        account_id, epoch, sid = user_id.split(":")
        account_id, epoch = int(account_id), int(epoch)
    except ValueError:
        return None  # not ours (or a cookie from before logins had ids): log in again
    account = accounts.account_in_session(db.session(), account_id, sid)
    if account is None or not account.is_active or account.auth_epoch != epoch:
        return None
    if _idle_too_long(account.role):
        return None
    return SessionUser(account, sid)


#: a screen login unused this long ends (a shared PC left logged in): staff, designers and admins
#: see every member's data of their office, so their limit is shorter than a member's own
IDLE_LIMIT = {"member": 2 * 60 * 60}
IDLE_LIMIT_STAFF = 60 * 60


#: the warning before an idle login ends (WCAG 2.2.1: the user may extend it; static/js/idle.js)
IDLE_WARNING = 5 * 60
#: a request a page sends by itself (a list's counts polled every minute, a run's progress) is not
#: the user's: it does not keep the login alive, or a page left open would never log out
POLL_HEADER = "X-Mamis-Poll"


def note_use() -> None:
    """The login is used now (its idle time starts again)."""
    session["seen"] = int(_now())


def idle_limit(role: str) -> int:
    """Seconds a login of this role may go unused."""
    return IDLE_LIMIT.get(role, IDLE_LIMIT_STAFF)


def _now() -> float:
    return time.time()


def clear_session() -> None:
    """Forget everything the session cookie holds but the language chosen (logout, an idle login)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _idle_too_long(role: str) -> bool:
    """Whether this login was last used longer ago than its role's limit; otherwise notes the use.
    The time rides in the signed session cookie (rewritten at most once a minute), so a copy of an
    old cookie ages too and cannot be refreshed by whoever holds it."""
    now = int(_now())
    seen = session.get("seen")
    if isinstance(seen, int) and now - seen > idle_limit(role):
        # the login ends for this browser: the cookie no longer names it; a copy of the cookie
        # keeps its old time and ends the same way at its next use
        clear_session()
        flash(translate("しばらく操作がなかったため、ログアウトしました。もう一度ログインしてください。"), "warning")
        return True
    if request.headers.get(POLL_HEADER) == "1" and isinstance(seen, int):
        return False  # the page asking by itself: not a use
    if not isinstance(seen, int) or now - seen >= 60:
        session["seen"] = now
    return False


def actor() -> Actor | None:
    """The acting user of this request (API token or login session), or None."""
    if "actor" in g:
        return g.actor
    return current_user.actor if current_user.is_authenticated else None


def _unauthorized():
    """Not logged in (or no longer): the login page — but a part of a page asked for by htmx (a
    list's polled counts after the idle logout) gets a plain 401, which htmx does not swap in: the
    login page drawn inside the inbox's tabs helped no one (static/js/idle.js says it has ended)."""
    if request.headers.get("HX-Request") == "true":
        return "", 401
    flash(translate(login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def roles_required(*roles: str):
    """Screens: 403 unless the logged-in user has one of `roles` (login is asked for first)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def holds_members_required(view):
    """Screens about an office's own members (import, login notices, roster, fee reductions): 403
    for the staff of a body that only organises training and holds no members (placed under
    roles_required, which has already asked for a login)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role == "secretariat" and not current_user.holds_members:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):  # served over TLS (behind its proxy): stay on it
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Nothing shown to a logged-in user (personal data on pages, CSV and PDF downloads) and no API
    # answer is kept by the browser's or a proxy's cache: the back button after logout on a shared
    # PC shows nothing. Static files (and public pages) keep their caching.
    if request.path.startswith("/api/") or (
            request.endpoint != "static" and current_user and current_user.is_authenticated):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


#: what an account with first-login steps still to do may reach
SETUP_ENDPOINTS = {"static", "auth.logout", "account.verify", "account.postal_code"}
SETUP_PAGES = {"terms": "account.terms", "email": "account.email", "credentials": "account.credentials"}


def _remember_language():
    """A logged-in user who switches the language (?lang=) keeps it for their mails too — when the
    switch came from this site (or was typed): a link or image on another site (Sec-Fetch-Site:
    cross-site) changes only what this page is shown in, never the stored choice."""
    lang = request.args.get("lang")
    if lang not in ("ja", "en") or not current_user.is_authenticated or request.path.startswith("/api/"):
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return None
    if current_user.lang != lang:
        s = db.session()
        account = accounts.get_account(s, current_user.account_id)
        if account is not None:
            accounts.set_language(s, account, lang)
            db.commit()
            current_user.lang = lang
    return None


def _setup_gate():
    """Until the first-login steps are done (terms → email → new ID and password), every screen
    leads to the next step. The API refuses such accounts itself (webapp.api.token_required)."""
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or not current_user.pending:
        return None
    page = SETUP_PAGES[current_user.pending]
    if request.endpoint in SETUP_ENDPOINTS or request.endpoint == page:
        return None
    return redirect(url_for(page))


def _refuse_wild_text():
    """A NUL in the path, a query or a form value is refused naming the field (422) before any
    of it reaches the database (PostgreSQL's text cannot hold it). JSON bodies: strict_loads."""
    if fields.WILD_TEXT.search(request.path):
        raise ValidationFailed({"path": ("bad_character", {})})
    if request.path.startswith("/api/") and not request.headers.get("Authorization") \
            and request.path != "/api/v1/auth/token":
        return  # a caller with no credentials is told that first (401), by the route's token check
    sources = [request.args] + ([request.form] if request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data") else [])
    for source in sources:
        for key, value in source.items(multi=True):
            if fields.WILD_TEXT.search(key) or fields.WILD_TEXT.search(value):
                raise ValidationFailed({fields.WILD_TEXT.sub("", key) or "request": ("bad_character", {})})


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.unauthorized_handler(_unauthorized)
    login_manager.login_message = "ログインしてください。"
    login_manager.localize_callback = translate
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.before_request(_refuse_wild_text)
    app.before_request(_remember_language)
    app.before_request(_setup_gate)
    app.after_request(_headers)
    app.jinja_env.globals.update(idle_limit=idle_limit, idle_warning=IDLE_WARNING)
