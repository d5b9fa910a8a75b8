"""Mail to members and staff, written to the notifications table in the caller's transaction.

The web layer sends them after the commit (see webapp/jobs.py): a rolled-back change never mails.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import Notification

PENDING_KEY = "mamis_pending_notifications"

SIGNATURE = "\n\n--\nMAMIS 医師会会員情報システム\n※このメールは送信専用です。"
SIGNATURE_EN = "\n\n--\nMAMIS, the medical association member information system\nThis address does not take replies."


def queue(session: Session, to_address: str, subject: str, body: str, lang: str = "ja") -> Notification | None:
    """Queue one mail, signed in its language; returns None (and queues nothing) when there is no
    address to send to."""
    if not to_address:
        return None
    note = Notification(to_address=to_address, subject=subject,
                        body=body + (SIGNATURE_EN if lang == "en" else SIGNATURE))
    session.add(note)
    session.info.setdefault(PENDING_KEY, []).append(note)
    return note


def unqueue(session: Session, note: Notification | None) -> None:
    """Take back a mail queued in this transaction (a later step of it says the same, and more)."""
    if note is None:
        return
    pending = session.info.get(PENDING_KEY, [])
    if note in pending:
        pending.remove(note)
    if note in session.new:
        session.expunge(note)
    elif note.id is not None:
        session.delete(note)


def take_pending(session: Session) -> list[int]:
    """The ids of the mails queued since the last call; call it after the commit (the ids exist then)."""
    return [note.id for note in session.info.pop(PENDING_KEY, []) if note.id is not None]
