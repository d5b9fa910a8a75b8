"""The web application: HTTP only. Views validate a form, call one use case, commit, respond."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from membership import mail
from membership.fields import MAX_ID

from .json_provider import OrjsonProvider


class IdConverter(IntegerConverter):
    """`<int:…>` in a URL, at most a row id's largest value (membership.fields.MAX_ID): a wilder
    number matches no route (404) instead of reaching the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits, min, max, signed)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_value(text: str):
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text


def _env_config() -> dict:
    """`MAMIS_`-prefixed environment variables, without the prefix ("true"/"false" become booleans)."""
    return {k[len("MAMIS_"):]: _env_value(v) for k, v in os.environ.items() if k.startswith("MAMIS_")}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults → MAMIS_ environment → `test_config`. No I/O happens here."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.from_mapping(
        ENV_NAME="development",
        SECRET_KEY=None,
        DATABASE_URL=f"sqlite:///{PROJECT_ROOT / 'instance' / 'mamis.db'}",
        BROKER_URL=None,
        # without a broker, long jobs (bulk runs) on a thread of the web process; None: on, except in tests
        EMBEDDED_BACKGROUND=None,
        SMTP_URL=None,
        MAIL_FROM="noreply@mamis.example.jp",
        # the support desk shown on the contact page (お問合せ); each is shown only when set
        SUPPORT_NAME="", SUPPORT_EMAIL="", SUPPORT_TEL="", SUPPORT_HOURS="",
        BASE_URL=None,  # for links in mails sent by background jobs; required in production
        OUTBOX_DIR=str(PROJECT_ROOT / "instance" / "outbox"),
        # uploaded documents: outside the web root (webapp/static), under random names
        UPLOAD_DIR=str(PROJECT_ROOT / "instance" / "uploads"),
        PROCESSES_DIR=str(PROJECT_ROOT / "processes"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=None,  # None: secure in production, not in development
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        # the forgotten-password and login-ID forms answer no sooner than this (webapp/views/account.py)
        ANSWER_FLOOR_SECONDS=0.4,
        # an enrolment into four associations, each with its 3 files of 10 MB (SPEC §4), and the form
        MAX_CONTENT_LENGTH=125 * 1024 * 1024,
        API_TITLE="MAMIS API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_AS_ASCII=False,
    )
    app.config.update(_env_config())
    if test_config:
        app.config.update(test_config)
    if app.config["EMBEDDED_BACKGROUND"] is None:
        app.config["EMBEDDED_BACKGROUND"] = not app.config.get("TESTING")
    production = app.config["ENV_NAME"] == "production"
    if app.config["SMTP_URL"]:
        from .mailer import smtp_target

        smtp_target(app.config["SMTP_URL"])  # a misspelt scheme fails here, not at the first mail
    if not app.config["SECRET_KEY"]:
        if production:
            raise RuntimeError("MAMIS_SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = "development-only-not-secret"  # noqa: S105  (never in production)
    if not app.config["BASE_URL"]:
        if production:  # the worker and the beat would mail links to 127.0.0.1, silently
            raise RuntimeError("MAMIS_BASE_URL must be set in production (the address users reach the app at)")
        app.config["BASE_URL"] = "http://127.0.0.1:5000"
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = production
    # Links in mails built during a request (password reset, registration, email check) take the
    # request's host: in production only the hosts named here are served (others get 400), so a
    # forged Host header cannot point a reset link elsewhere. Default: BASE_URL's host.
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    elif production and not hosts:
        base_host = urlsplit(app.config["BASE_URL"] or "").hostname
        app.config["TRUSTED_HOSTS"] = [base_host] if base_host else None
    app.json = OrjsonProvider(app)  # UTF-8, keys in the order built, no sort per answer
    mail.configure(app.config["BASE_URL"])
    # Behind a TLS proxy every request comes from the proxy's address: the login throttle (per
    # client address) would count everyone as one. PROXY_HOPS trusted proxies' X-Forwarded-For /
    # -Proto / -Host are believed (0: none, the default — a header a client sets is not).
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from engine import validation
    from forms.inbox import FORMS

    from . import api, celery_app, cli, db, embedded_beat, i18n, security, views

    validation.register_form_keys(FORMS)  # a process's form keys must name a form the inbox renders
    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    views.init_app(app)
    api.init_app(app)
    celery_app.init_app(app)
    cli.init_app(app)
    embedded_beat.init_app(app)
    return app
