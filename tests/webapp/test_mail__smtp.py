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
    assert msg["Date"].endswith("+0900") and msg["Content-Transfer-Encoding"] == "base64"  # Japan's time, one encoding
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

    from membership.db import utcnow

    calls = []

    def broken_clock():  # the claim reads the clock; marking the mail sent, after it went out, fails
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("the database went away")
        return utcnow()

    monkeypatch.setattr(jobs, "utcnow", broken_clock)
    r = ApiClient(app.test_client(), member.login_id).post("/api/v1/applications", json=enrolment_body())
    assert r.status_code == 201, r.get_json()
    assert session.get(Application, r.get_json()["id"]) is not None
    address = session.get(UserAccount, member.user_id).email
    assert [m["To"] for m in smtp.messages] == [address]  # it went out
    note = session.scalars(sa.select(Notification).where(Notification.to_address == address)).one()
    assert note.status == "sending"  # not marked sent: the outbox job looks at it again


def test_while_the_smtp_server_is_down_a_mail_waits_its_pause_and_arrives_when_it_is_back(app, session,
                                                                                          monkeypatch):
    """One owner of retries: a failed send puts the mail back with a pause (doubling), the outbox
    job sends it only after that pause — an outage of minutes does not use up its tries."""
    import datetime as dt

    import sqlalchemy as sa

    from membership.db import utcnow
    from membership.models import Notification
    from webapp import jobs

    member = new_member(session)
    account = session.get(UserAccount, member.user_id)
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nothing listens
    r = app.test_client().post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
    assert r.status_code == 200  # the member's step is not held up by the mail
    note = session.scalars(sa.select(Notification).where(Notification.to_address == account.email)).one()
    session.refresh(note)
    assert (note.status, note.attempts) == ("queued", 1)
    assert note.next_attempt_at - utcnow() > dt.timedelta(seconds=50)
    # (mail other tests left queued is not this test's: out of the outbox job's first 500)
    session.execute(sa.update(Notification).where(Notification.id != note.id, Notification.status == "queued")
                    .values(status="sent"))
    session.commit()
    clock = [utcnow()]
    monkeypatch.setattr(jobs, "utcnow", lambda: clock[0])
    flush = app.extensions["celery"].tasks[jobs.flush_outbox.name]  # (this app's, not the last one created)
    for _ in range(5):  # the outbox job every minute for five minutes: tried after each pause only
        clock[0] += dt.timedelta(minutes=1)
        flush()
    session.refresh(note)
    assert note.status == "queued" and note.attempts == 3  # after 1 and 2 more minutes; next in 4
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
        clock[0] += jobs.pause_after(note.attempts)
        flush()
    finally:
        controller.stop()
    session.refresh(note)
    assert note.status == "sent" and [m["To"] for m in inbox.messages] == [account.email]
    assert jobs.pause_after(1) == dt.timedelta(minutes=1) and jobs.pause_after(30) == dt.timedelta(hours=1)


def test_the_smtp_url_takes_starttls_and_percent_encoded_credentials():
    from webapp.mailer import smtp_target

    assert smtp_target("smtp+starttls://user%40example.jp:p%2Fw%23@mail.example.jp") == (
        "mail.example.jp", 587, "smtp+starttls", "user@example.jp", "p/w#")
    assert smtp_target("smtps://relay")[1:3] == (465, "smtps")
    assert smtp_target("smtp://127.0.0.1:1025") == ("127.0.0.1", 1025, "smtp", "", "")
    with pytest.raises(ValueError, match="smtp\\+starttls://"):
        smtp_target("smpt://relay")


def test_mail_goes_over_starttls_with_a_login_to_a_submission_server(app, session, monkeypatch, tmp_path):
    """Port 587 servers want STARTTLS before AUTH: the login and the mail go inside TLS, the
    server's certificate checked against the trusted ones (here the test's own)."""
    import ssl
    import subprocess

    from aiosmtpd.smtp import AuthResult

    from webapp import mailer

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=auth_data.login == b"user@example.jp" and auth_data.password == b"p/w#")

    inbox = Inbox()
    controller = Controller(inbox, hostname="localhost", port=free_port(), tls_context=server_tls,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    try:
        monkeypatch.setattr(mailer, "tls_context", lambda: ssl.create_default_context(cafile=str(cert)))
        monkeypatch.setitem(app.config, "SMTP_URL",
                            f"smtp+starttls://user%40example.jp:p%2Fw%23@localhost:{controller.port}")
        member = new_member(session)
        account = session.get(UserAccount, member.user_id)
        r = app.test_client().post("/password/forgot", data={"login_id": account.login_id, "email": account.email})
        assert r.status_code == 200
        assert logins == [(b"user@example.jp", b"p/w#", True)]
        [msg] = [m for m in inbox.messages if m["To"] == account.email]
        assert msg["Message-ID"].endswith("@mamis.example.jp>")  # the sender's domain, not this host's
    finally:
        controller.stop()
