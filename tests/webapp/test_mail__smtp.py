"""Mail over real SMTP: a local aiosmtpd server receives what the app sends after the commit."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from membership.models import UserAccount

from ..conftest import new_member


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    yield inbox
    controller.stop()


def test_a_password_reset_mail_arrives_over_smtp_in_japanese(app, session, smtp):
    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    r = app.test_client().post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
    assert r.status_code == 200
    [msg] = [m for m in smtp.messages if m["To"] == account.email]
    assert msg["Subject"] == "【MAMIS】パスワード再設定のご案内"
    body = msg.get_content()
    assert "24時間以内" in body and "/password/reset/" in body and "試験 一郎 様" in body


def test_nothing_is_sent_when_the_step_fails(app, session, smtp):
    client = app.test_client()
    client.post("/register", data={"agree": "y"})
    r = client.post("/register/email", data={"email": "x@example.jp", "email_confirm": "y@example.jp"})
    assert r.status_code == 422
    r = client.post("/register/email", data={"email": "ok@example.jp", "email_confirm": "ok@example.jp"})
    assert r.status_code == 200
    assert [m["To"] for m in smtp.messages] == ["ok@example.jp"]


def test_a_mail_job_failing_after_the_commit_does_not_fail_the_saved_step(app, session, smtp, monkeypatch):
    """The send runs after the step's commit: if it breaks (here: marking the mail sent, after it
    went out — the database busy or gone), the step is still answered as saved, and the mail is left
    for the outbox job instead of being lost or the user repeating the step."""
    import sqlalchemy as sa

    from membership.models import Application, Notification
    from webapp import jobs

    from ..helpers import enrolment_body
    from .conftest import ApiClient

    member = new_member(session)

    def broken_clock():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "utcnow", broken_clock)
    r = ApiClient(app.test_client(), member.login_id).post("/api/v1/applications", json=enrolment_body())
    assert r.status_code == 201, r.get_json()
    assert session.get(Application, r.get_json()["id"]) is not None
    address = session.get(UserAccount, member.user_id).email
    assert [m["To"] for m in smtp.messages] == [address]  # it went out
    note = session.scalars(sa.select(Notification).where(Notification.to_address == address)).one()
    assert note.status == "sending"  # not marked sent: the outbox job looks at it again
