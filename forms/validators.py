"""Validators with the project's own messages (Japanese by default), naming the field."""

from __future__ import annotations

from collections.abc import Callable

from wtforms.validators import StopValidation, ValidationError

from membership import messages

_lang_provider: Callable[[], str] = lambda: messages.DEFAULT_LANG  # noqa: E731
_translate: Callable[[str], str] = lambda text: text  # noqa: E731


def set_language_provider(provider: Callable[[], str], translate: Callable[[str], str] | None = None) -> None:
    """Where the user's language comes from, and how a (Japanese) field label reads in it."""
    global _lang_provider, _translate
    _lang_provider = provider
    if translate is not None:
        _translate = translate


def render(key: str, field, **params) -> str:
    return messages.render(key, _lang_provider(), field=_translate(field.label.text), **params)


class Required:
    """Present and non-blank; `choose` words it for selections."""

    def __init__(self, key: str = "required"):
        self.key = key
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            field.errors[:] = []
            raise StopValidation(render(self.key, field))


class RequiredUnless(Required):
    """Required, except when the form's `other` field holds `value` (a 自宅会員 has no facility duty)."""

    def __init__(self, other: str, value: str, key: str = "required"):
        super().__init__(key)
        self.other, self.value = other, value

    def __call__(self, form, field):
        other = getattr(form, self.other, None)
        if other is not None and other.data == self.value:
            return
        super().__call__(form, field)


class MaxLength:
    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field):
        if field.data and len(field.data) > self.maximum:
            raise ValidationError(render("too_long", field, max=self.maximum))


class IsoDate:
    def __call__(self, form, field):
        import datetime as dt

        if not field.data:
            return
        try:
            dt.date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(render("invalid_date", field)) from None


class OneOf:
    """The value (or, for a multiple choice, every value) is one of `values`; the message names the
    field in the user's language, never echoing what was sent."""

    def __init__(self, values, key: str = "invalid"):
        self.values = set(values)
        self.key = key

    def __call__(self, form, field):
        chosen = field.data if isinstance(field.data, list) else [field.data] if field.data else []
        if any(value not in self.values for value in chosen):
            raise ValidationError(render(self.key, field))


class Rule:
    """A field rule of membership.fields (e.g. fields.login_id): its FieldError becomes the
    field's message, so the form reports every field's problem at once; empty values are left
    to Required."""

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, form, field):
        from membership.fields import FieldError

        if not field.data:
            return
        try:
            self.rule(field.data)
        except FieldError as exc:
            raise ValidationError(render(exc.key, field, **exc.params)) from None
