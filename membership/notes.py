"""Comments and notes on an application (seen by the staff of the layers involved), optionally
sent to the applicant as a message (mail + My Page)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from . import audit, mail
from .actors import Actor
from .applications import applicant_contact, get_application
from .errors import Forbidden, ValidationFailed
from .fields import FieldError, multiline
from .models import ApplicationNote

MAX_NOTE = 2000


def add_note(session: Session, actor: Actor, application_id: int, body: str | None,
             to_applicant: bool = False) -> ApplicationNote:
    """Staff of an association the application involves. Raises NotFound, Forbidden, ValidationFailed."""
    if not actor.is_secretariat:
        raise Forbidden()
    app = get_application(session, actor, application_id)  # NotFound outside the scope
    try:
        clean = multiline(body, MAX_NOTE, optional=False)
    except FieldError as exc:
        raise ValidationFailed.one("note", exc.key, **exc.params) from None
    note = ApplicationNote(application_id=app.id, author_user_id=actor.user_id, association_id=actor.association_id,
                           body=clean, to_applicant=bool(to_applicant))
    session.add(note)
    session.flush()
    audit.record(session, actor, "application.note", "application", app.id, note_id=note.id,
                 to_applicant=bool(to_applicant))
    if to_applicant:
        name, address = applicant_contact(session, app)
        association = next((p.association.name for p in app.parts if p.association_id == actor.association_id), "")
        mail.send(session, address, "applicant_message", lang=(app.payload or {}).get("lang", "ja"), name=name,
                  association=association, application_id=app.id, body=clean, for_member=app.physician_id is not None)
    return note


def notes_for_staff(session: Session, actor: Actor, application_id: int) -> list[ApplicationNote]:
    get_application(session, actor, application_id)
    return list(session.scalars(sa.select(ApplicationNote).where(ApplicationNote.application_id == application_id)
                                .options(selectinload(ApplicationNote.association))
                                .order_by(ApplicationNote.created_at, ApplicationNote.id)))


def messages_for_applicant(session: Session, actor: Actor, application_id: int) -> list[ApplicationNote]:
    get_application(session, actor, application_id)
    return list(session.scalars(sa.select(ApplicationNote).where(
        ApplicationNote.application_id == application_id, ApplicationNote.to_applicant.is_(True))
        .options(selectinload(ApplicationNote.association)).order_by(ApplicationNote.created_at)))
