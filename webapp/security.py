"""Login sessions (Flask-Login), CSRF, API tokens and security headers: who the caller is."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, g, request
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from membership import accounts
from membership.actors import Actor

from . import db

login_manager = LoginManager()
csrf = CSRFProtect()


class SessionUser(UserMixin):
    """The logged-in account as Flask-Login sees it. The id carries the account's auth epoch, so
    a password change (which bumps the epoch) logs out every other session."""

    def __init__(self, account):
        self.account_id = account.id
        self.actor = Actor.of(account)
        self.epoch = account.auth_epoch
        self.login_id = account.login_id
        self.role = account.role
        self.name = account.display_name

    def get_id(self) -> str:
        return f"{self.account_id}:{self.epoch}"


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        account_id, epoch = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    account = accounts.get_account(db.session(), account_id)
    if account is None or not account.is_active or account.auth_epoch != epoch:
        return None
    return SessionUser(account)


def actor() -> Actor | None:
    """The acting user of this request (API token or login session), or None."""
    if "actor" in g:
        return g.actor
    return current_user.actor if current_user.is_authenticated else None


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


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "ログインしてください。"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.after_request(_headers)
