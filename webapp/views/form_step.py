"""The one shape of a screen that posts a form to a use case: the form's own checks first, then the
use case in the request's transaction — committed when it succeeds, rolled back whole when it
refuses, its field errors added to the form's."""

from __future__ import annotations

from membership.errors import ValidationFailed

from .. import db
from ..i18n import field_errors


def run(form, step) -> tuple[bool, object, dict[str, str]]:
    """(done, what `step(form)` returned, {field: error}); not done and no errors when the form
    was not posted."""
    if not form.validate_on_submit():
        return False, None, form.first_errors()
    try:
        result = step(form)
    except ValidationFailed as exc:
        db.rollback()
        return False, None, {**form.first_errors(), **field_errors(exc)}
    db.commit()
    return True, result, {}
