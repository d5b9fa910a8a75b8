"""Mail delivery: SMTP when MAMIS_SMTP_URL is set, otherwise .eml files in the outbox folder."""

from __future__ import annotations

import os
import smtplib
import tempfile
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlparse


def build(config, note) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = note.to_address
    msg["Subject"] = note.subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring=f"mamis-{note.id}")
    msg.set_content(note.body)
    return msg


def deliver(config, note) -> None:
    msg = build(config, note)
    url = config.get("SMTP_URL")
    if url:
        parsed = urlparse(url)
        smtp_cls = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
        with smtp_cls(parsed.hostname or "127.0.0.1", parsed.port or 25, timeout=30) as smtp:
            if parsed.username:
                smtp.login(parsed.username, parsed.password or "")
            smtp.send_message(msg)
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a mail.
    fd, tmp = tempfile.mkstemp(dir=outbox, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(msg))
    os.replace(tmp, outbox / f"{note.id:08d}.eml")
