"""Mail delivery: SMTP when MAMIS_SMTP_URL is set, otherwise .eml files in the outbox folder."""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlparse

from membership.fields import JST


def build(config, note) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = note.to_address
    msg["Subject"] = note.subject
    msg["Date"] = format_datetime(datetime.now(JST))  # +0900 whatever zone the container runs in
    # the sender's domain, not this host's name (a container id in production)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(idstring=f"mamis-{note.id}", domain=domain)
    # one encoding for every Japanese mail (the library chose 8bit, base64 or quoted-printable by
    # the lines' lengths, and 8bit without knowing whether the server takes it)
    msg.set_content(note.body, cte="7bit" if note.body.isascii() else "base64")
    return msg


#: smtp:// plain (a relay on the same network), smtp+starttls:// the submission port (587) with
#: STARTTLS before the login, smtps:// TLS from the start (465)
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def smtp_target(url: str) -> tuple[str, int, str, str, str]:
    """(host, port, scheme, user, password) of MAMIS_SMTP_URL; the user and password percent-encoded
    in the URL (`smtp+starttls://user%40example.jp:p%2Fw@host:587`). Raises ValueError."""
    parsed = urlparse(url)
    if parsed.scheme not in SCHEMES:
        raise ValueError(f"MAMIS_SMTP_URL: use one of {', '.join(s + '://' for s in SCHEMES)}")
    return (parsed.hostname or "127.0.0.1", parsed.port or SCHEMES[parsed.scheme], parsed.scheme,
            unquote(parsed.username or ""), unquote(parsed.password or ""))


def deliver(config, note) -> None:
    msg = build(config, note)
    url = config.get("SMTP_URL")
    if url:
        host, port, scheme, user, password = smtp_target(url)
        with (smtplib.SMTP_SSL(host, port, timeout=30, context=tls_context()) if scheme == "smtps"
              else smtplib.SMTP(host, port, timeout=30)) as smtp:
            if scheme == "smtp+starttls":
                smtp.starttls(context=tls_context())  # the server's certificate checked, as for smtps
            if user:
                smtp.login(user, password)
            smtp.send_message(msg)
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a mail.
    fd, tmp = tempfile.mkstemp(dir=outbox, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(msg))
    os.replace(tmp, outbox / f"{note.id:08d}.eml")
