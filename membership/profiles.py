"""Registered data (登録情報) and dispatch settings (送付物設定), with the history of every change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from . import audit, members
from .actors import Actor
from .errors import Forbidden, ValidationFailed
from .models import Physician, ProfileChange
from .reference import DEPARTMENTS, SEXES
from .registration import PROFILE_RULES, validate_profile

EDITABLE = (*PROFILE_RULES, "dispatch_to", "dispatch_stopped")


def profile_dict(p: Physician) -> dict:
    return {name: getattr(p, name) for name in EDITABLE}


def _text(value) -> str:
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


#: the fields kept as codes, and the words a history shows for them
VALUE_LABELS: dict[str, dict[str, str]] = {
    "dispatch_to": members.DISPATCH_TO, "sex": SEXES, "main_department": DEPARTMENTS,
    "dispatch_stopped": {"1": "停止", "0": "送付する"},
}


def value_label(field: str, text: str) -> tuple[str, bool]:
    """A recorded value as shown: (its label, True) for a coded field, else (the text, False)."""
    labels = VALUE_LABELS.get(field)
    if labels is not None and text in labels:
        return labels[text], True
    return text, False


def registry_locked(actor: Actor, physician: Physician) -> bool:
    """A member cannot change their own 医籍登録番号 once it is set: it is how JMA's data (credits,
    certificates, insurance) finds them, so a changed number would collect another physician's
    records. An office that acts for them (with the licence in hand) or an admin corrects it."""
    return actor.role == "member" and bool(physician.registry_number)


def update_profile(session: Session, actor: Actor, physician_id: int, data: dict) -> list[ProfileChange]:
    """Change a physician's registered data; one history row per changed field.

    The member themself, or staff of an association they belong to (acting on their behalf,
    利用規約 §5-5; the history and the audit trail name the staff user). Raises NotFound (outside
    the scope), Forbidden (other roles), ValidationFailed (every bad field).
    """
    if actor.role not in ("member", "secretariat", "admin"):
        raise Forbidden()
    physician = members.get_member_to_act(session, actor, physician_id)
    clean = validate_profile(session, data, physician_id=physician.id)
    if registry_locked(actor, physician) and clean.get("registry_number") != physician.registry_number:
        raise ValidationFailed.one("registry_number", "registry_number_locked")
    dispatch_to = data.get("dispatch_to") or physician.dispatch_to
    if dispatch_to not in members.DISPATCH_TO:
        raise ValidationFailed.one("dispatch_to", "choose_from_list")
    clean["dispatch_to"] = dispatch_to
    clean["dispatch_stopped"] = bool(data.get("dispatch_stopped"))
    own = members.account_of(session, physician.id)
    on_behalf = own.id if own is not None and own.id != actor.user_id else None
    changes = []
    for name, value in clean.items():
        old = getattr(physician, name)
        if _text(old) == _text(value):
            continue
        changes.append(ProfileChange(physician_id=physician.id, actor_user_id=actor.user_id or None,
                                     on_behalf_of_user_id=on_behalf, field=name, old_value=_text(old),
                                     new_value=_text(value)))
        setattr(physician, name, value)
    if changes:
        session.add_all(changes)
        if own is not None and {"family_name", "given_name"} & {c.field for c in changes}:
            own.display_name = physician.full_name
        audit.record(session, actor, "profile.update", "physician", physician.id, on_behalf_of_user_id=on_behalf,
                     fields=[c.field for c in changes])
    return changes

