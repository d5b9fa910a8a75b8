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


_ROOT = Path(__file__).parent / "mail_templates"

#: the languages mails are written in; a template without an English version is sent in Japanese
LANGS = ("ja", "en")


def configure(site_url: str) -> None:
    """Where users reach the app (the deployment's base URL): members' mails end with their My
    Page's address (`_mypage.txt`). Set once at start; empty leaves the line out."""
    _env.globals["site_url"] = (site_url or "").rstrip("/")


def site_url() -> str:
    return _env.globals["site_url"]


configure("")


def language(template: str, lang: str = "ja") -> str:
    """The language `template` is sent in for a reader of `lang`: English only where the template
    has an English version (the offices' mails — a session's review — are Japanese, decision 0035),
    so that a mail is never half one language and half the other."""
    return "en" if lang == "en" and (_ROOT / "en" / f"{template}.txt").is_file() else "ja"


def template_name(template: str, lang: str = "ja") -> str:
    """The file of `template` in `lang`: English versions live in mail_templates/en/."""
    return f"en/{template}.txt" if language(template, lang) == "en" else f"{template}.txt"


def render(template: str, lang: str = "ja", **context) -> tuple[str, str]:
    text = _env.get_template(template_name(template, lang)).render(**context)
    subject, _, body = text.partition("\n")
    # one line, whatever the data holds (a line separator U+2028 pasted into a title is no header break)
    return " ".join(subject.split()), body.strip()


def send(session: Session, to_address: str, template: str, lang: str = "ja", **context):
    """Queue a mail in `lang` (the recipient account's language: `UserAccount.lang`)."""
    lang = language(template, lang if lang in LANGS else "ja")
    subject, body = render(template, lang, **context)
    return notifications.queue(session, to_address, subject, body, lang)
