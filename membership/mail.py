"""Mail texts from templates (membership/mail_templates/*.txt): first line subject, rest body.

Queued into the outbox (`notifications.queue`) in the caller's transaction; sent after commit.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session

from . import notifications

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "mail_templates"),
                   undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)  # noqa: S701 - plain text


def render(template: str, **context) -> tuple[str, str]:
    text = _env.get_template(f"{template}.txt").render(**context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip()


def send(session: Session, to_address: str, template: str, **context):
    subject, body = render(template, **context)
    return notifications.queue(session, to_address, subject, body)
