"""A secretariat filing a withdrawal or a transfer for a member of its association (利用規約 §5-5).

The member acted for is kept in the browser session under a per-screen key; the domain still
checks every filing (`on_behalf_of` in the body, scope and groups in `membership`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, session, url_for

from membership import members

from .. import db
from ..i18n import translate
from ..security import actor


def acting_for(key: str) -> dict | None:
    """{login_id, name, physician_id} of the member a secretariat is filing for, or None."""
    return session.get(key) if actor().is_secretariat else None


def physician_id(key: str) -> int | None:
    """The physician the screen files for: the member acted for, else the user's own."""
    acting = acting_for(key)
    return acting["physician_id"] if acting else actor().physician_id


def start(key: str, physician_id_: int) -> None:
    """Remember the member acted for. NotFound outside the secretariat's scope; 404 without an account."""
    s = db.session()
    physician = members.get_member_to_act(s, actor(), physician_id_)
    account = members.account_of(s, physician.id)
    if account is None:
        abort(404)
    session[key] = {"login_id": account.login_id, "name": physician.full_name, "physician_id": physician.id}


def with_applicant(key: str, body: dict) -> dict:
    """The filing body, naming the member acted for when there is one."""
    acting = acting_for(key)
    return {**body, "on_behalf_of": acting["login_id"]} if acting else body


def after_filing(key: str, app, done_endpoint: str, filed_message: str):
    """Where to go once filed: staff back to the member's page, members to the done page."""
    if session.pop(key, None) and actor().is_secretariat:
        flash(translate(filed_message), "success")
        return redirect(url_for("members.detail", physician_id=app.physician_id))
    return redirect(url_for(done_endpoint, application_id=app.id))
