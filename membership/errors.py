"""Domain errors. They carry message keys (see `messages.py`), never rendered text."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""

    code = "error"
    message_key = "bad_input"

    def __init__(self, message_key: str | None = None, **params):
        super().__init__(message_key or self.message_key)
        if message_key:
            self.message_key = message_key
        self.params = params


class ValidationFailed(DomainError):
    """Bad input. `fields` maps a field name to (message key, params)."""

    code = "invalid"
    message_key = "bad_input"

    def __init__(self, fields: dict[str, tuple[str, dict]], context: str | None = None):
        super().__init__()
        self.fields = fields
        #: an application kind whose own field labels the messages use (messages.label)
        self.context = context

    @classmethod
    def one(cls, field: str, key: str, **params) -> ValidationFailed:
        return cls({field: (key, params)})


class NotFound(DomainError):
    """Missing, or outside the caller's scope (both look the same from outside)."""

    code = "not_found"
    message_key = "not_found"


class Forbidden(DomainError):
    code = "forbidden"
    message_key = "forbidden"


class Conflict(DomainError):
    """The state moved on under the caller: a second completion, a concurrent change."""

    code = "conflict"
    message_key = "concurrent_change"


class AuthenticationFailed(DomainError):
    code = "unauthorized"
    message_key = "bad_credentials"


class Throttled(DomainError):
    code = "throttled"
    message_key = "throttled"


class LinkInvalid(DomainError):
    """A mailed link that cannot be used: unknown or tampered, expired, or used already."""

    code = "link_invalid"
    message_key = "link_invalid"


def stored(error: DomainError) -> dict:
    """A domain error as kept in a row (a bulk run's item, an import run): its code and message
    keys, rendered when read, in the reader's language (webapp.i18n.rendered_error)."""
    fields = getattr(error, "fields", None) or {}
    return {"code": error.code, "key": error.message_key, "params": plain(error.params),
            "fields": {name: [key, plain(params)] for name, (key, params) in fields.items()},
            "context": getattr(error, "context", None)}


def plain(params: dict) -> dict:
    """Message params as JSON keeps them: plain values, and lists of them (a file's missing columns)."""
    def one(v):
        if isinstance(v, (list, tuple)):
            return [one(x) for x in v]
        return v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
    return {k: one(v) for k, v in params.items()}
