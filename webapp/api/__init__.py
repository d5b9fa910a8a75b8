"""The JSON API at /api/v1 (flask-smorest): token auth, documented errors, OpenAPI from schemas."""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from sqlalchemy.exc import DBAPIError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, HTTPException, SecurityError

from engine.runtime import ProcessFailed
from membership import accounts, registration
from membership.actors import Actor
from membership.db import lost_a_race
from membership.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    Throttled,
    ValidationFailed,
)

from .. import db
from ..i18n import LANGS, field_errors, message
from ..json_provider import strict_loads

#: a process that is itself broken is the server's fault (500), told as such in words
STATUS_FOR = {ValidationFailed: 422, NotFound: 404, Forbidden: 403, Conflict: 409,
              AuthenticationFailed: 401, Throttled: 429, ProcessFailed: 500}

#: marshmallow's English messages → our message keys (the field name is added when rendering)
MARSHMALLOW_KEYS = {
    "Missing data for required field.": "required",
    "Unknown field.": "unknown_field",
    "Field may not be null.": "required",
}


_LENGTH = re.compile(r"Length must be between (\d+) and (\d+)\.")


def error_response(status: int, code: str, text: str, fields: dict | None = None):
    response = jsonify({"error": {"code": code, "message": text, "fields": fields or {}}})
    response.status_code = status
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _flatten(messages, prefix="", context: str | None = None) -> dict[str, str]:
    """marshmallow's nested messages as {field: message}; `context` (an application kind) picks the
    kind's own field labels (a withdrawal's desired_date is 退会希望年月日)."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":  # marshmallow's name for the body as a whole (e.g. not an object)
                out.update(_flatten(value, prefix, context))
                continue
            name = f"{prefix}.{key}" if prefix and not isinstance(key, int) else (
                f"{prefix}[{key}]" if isinstance(key, int) else str(key))
            out.update(_flatten(value, name, context))
    elif isinstance(messages, list):
        if messages and all(isinstance(m, str) for m in messages):
            field = prefix or "request"
            between = _LENGTH.fullmatch(messages[0])  # a list's length, e.g. bulk ids: say the limits
            if between:
                out[field] = message("count_range", field=field, context=context, min=between[1], max=between[2])
            else:
                out[field] = message(MARSHMALLOW_KEYS.get(messages[0], "invalid"), field=field, context=context)
        else:
            for m in messages:
                out.update(_flatten(m, prefix, context))
    else:
        out[prefix or "request"] = message("invalid", field=prefix or "request", context=context)
    return out


class NotJson(BadRequest):
    """A body that a JSON endpoint was sent without `Content-Type: application/json`."""


class StrictParser(FlaskParser):
    """webargs reading JSON bodies as the rest of the app does (`strict_loads`): a body it refuses
    is a 400, never a 500."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.content_length or req.headers.get("Transfer-Encoding"):
                raise NotJson()  # a body sent without its type: say so, not "kind is required"
            return core.missing
        return strict_loads(req.get_data(cache=True))


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()


def _same_site(url: str | None) -> bool:
    """Whether `url` (a Referer) is a page of this site: the 413 page links back to it."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == request.host


class MamisApi(Api):
    from .schemas import ApiErrorSchema as ERROR_SCHEMA  # noqa: N811  (documents our error shape)

    def handle_http_exception(self, error: HTTPException):
        if isinstance(error, SecurityError):  # a Host not served (TRUSTED_HOSTS): no URL can be built
            return Response("400 Bad Request: unknown host\n", 400, mimetype="text/plain")
        if not is_api_request():
            if error.code == 413:  # more than MAX_CONTENT_LENGTH: nothing of it was read, nothing kept
                limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
                return render_template("errors/error.html", code=413, text=message("request_too_large", max=limit),
                                       back=request.referrer if _same_site(request.referrer) else None), 413
            if error.code and error.code >= 400:
                return render_template("errors/error.html", code=error.code), error.code
            return error
        if isinstance(error, NotJson):
            return error_response(400, "bad_request", message("json_content_type"))
        if error.code == 422 or (error.code == 400 and getattr(error, "data", None)):
            messages = (getattr(error, "data", None) or {}).get("messages", {})
            body = request.get_json(silent=True) if request.is_json else None
            kind = body.get("kind") if isinstance(body, dict) else None
            fields = {}
            for location in messages.values():
                fields.update(_flatten(location, context=kind if isinstance(kind, str) else None))
            if error.code == 400 or not fields:
                return error_response(400, "bad_request", message("bad_input"), fields)
            return error_response(422, "invalid", message("bad_input"), fields)
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                409: "conflict", 413: "too_large", 429: "throttled"}.get(error.code, "error")
        key = {401: "not_logged_in", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "concurrent_change"}.get(error.code)
        text = message(key) if key else (error.description or error.name)
        response = error_response(error.code or 500, code, text)
        if error.code == 405 and getattr(error, "valid_methods", None):  # RFC 9110: say what is allowed
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response


api = MamisApi()


def _record_incident(app: Flask, exc: ProcessFailed) -> None:
    """The step rolled back; what broke is kept for the designers (the instance's page lists it)."""
    from engine import incidents

    from ..security import actor

    app.logger.error("process instance %s (version %s) failed at %s: %s", exc.instance_id, exc.definition_id,
                     exc.element or "?", exc.detail)
    try:
        incidents.record(db.session(), actor(), exc)
        db.commit()
    except Exception:  # the user's answer does not depend on it
        app.logger.exception("could not record the incident of process instance %s", exc.instance_id)
        db.rollback()


def domain_error_response(exc: DomainError):
    status = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), 400)
    fields = field_errors(exc) if isinstance(exc, ValidationFailed) else {}
    response = error_response(status, exc.code, message(exc.message_key, **exc.params), fields)
    if isinstance(exc, Throttled):  # the most a client waits: failures older than the window stop counting
        response.headers["Retry-After"] = str(int(accounts.THROTTLE_WINDOW.total_seconds()))
    elif isinstance(exc, AuthenticationFailed):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def token_required(view):
    """API auth: a Bearer token from POST /auth/token. Sets g.actor; 401 JSON otherwise.

    Put it right under `@blp.route`, so that the token is checked before the body is parsed.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
        account = None
        if scheme.lower() == "bearer" and credentials.strip():  # the scheme's name is case-insensitive
            account = accounts.identity_for_token(db.session(), credentials.strip())
        if account is None:
            response = error_response(401, "unauthorized", message("not_logged_in"))
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        if registration.pending_step(account):
            return error_response(403, "setup_required", message("setup_required"))
        g.actor, g.token = Actor.of(account), credentials.strip()
        if "lang" not in request.args and "Accept-Language" not in request.headers and account.lang in LANGS:
            g.lang = account.lang  # a request that names no language is answered in the account's
        return view(*args, **kwargs)

    return wrapped


def _out_of_range(exc: Exception) -> bool:
    """A value the driver could not bind (SQLite: OverflowError; a lone surrogate: UnicodeEncodeError)
    or the server refused (PostgreSQL: numeric_value_out_of_range 22003, a NUL in text 22021)."""
    if any(isinstance(e, OverflowError | UnicodeEncodeError) for e in (exc, getattr(exc, "orig", None))):
        return True
    return isinstance(exc, DBAPIError) and getattr(getattr(exc, "orig", None), "sqlstate", None) in ("22003", "22021")


def init_app(app: Flask) -> None:
    from ..security import csrf
    from . import endpoints

    api.init_app(app, spec_kwargs={"info": {"description": "MAMIS: membership applications and approvals"}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    csrf.exempt(endpoints.blp)
    api.register_blueprint(endpoints.blp)
    # the API reference for integrators: Swagger UI (vendored, see tools/vendor_assets.py) reading
    # the OpenAPI document; public, as the document is
    app.add_url_rule("/api/v1/docs", "api_reference", lambda: render_template("api_docs.html"))

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        db.rollback()
        if isinstance(exc, ProcessFailed):
            _record_incident(app, exc)
        if is_api_request():
            return domain_error_response(exc)
        status = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), 400)
        text = " ".join(field_errors(exc).values()) if isinstance(exc, ValidationFailed) and exc.fields else \
            message(exc.message_key, **exc.params)  # a page's own form shows its errors; a link's, here
        return render_template("errors/error.html", code=status, text=text), status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return api.handle_http_exception(exc)
        if _out_of_range(exc):  # a number from the request that the database cannot hold: bad input
            app.logger.warning("out-of-range value in a request: %s", exc)
            db.rollback()
            if is_api_request():
                return error_response(400, "bad_request", message("bad_input"))
            return render_template("errors/error.html", code=400), 400
        if lost_a_race(exc):  # what the user asked collides with what someone did at the same moment
            app.logger.warning("unique key race: %s", exc.orig)
            db.rollback()
            if is_api_request():
                return error_response(409, "conflict", message("race_lost"))
            return render_template("errors/error.html", code=409, text=message("race_lost")), 409
        app.logger.exception("unhandled error")
        db.rollback()
        if is_api_request():
            return error_response(500, "server_error", message("server_error"))
        return render_template("errors/error.html", code=500), 500
