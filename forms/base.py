"""The base form: CSRF from Flask-WTF, normalising filters, and choice fields that trust our validators."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField


class BaseForm(FlaskForm):
    class Meta:
        def render_field(self, field, render_kw):
            # a page may hold several forms, each with its token: without an id there are not
            # several elements with id="csrf_token" on one page (invalid HTML)
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

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
