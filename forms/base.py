"""The base form: CSRF from Flask-WTF, normalising filters, and choice fields that trust our validators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField


class BaseForm(FlaskForm):
    def first_errors(self) -> dict[str, str]:
        """{field name: its first error}, for the error summary and the messages beside fields."""
        return {name: field.errors[0] for name, field in self._fields.items() if field.errors}


class LooseRadioField(RadioField):
    """A radio field whose allowed values are checked by our own validator (with our own message)."""

    def pre_validate(self, form):
        pass


class LooseSelectField(SelectField):
    def pre_validate(self, form):
        pass
