"""Accounts of physicians: self-registration, first login with issued credentials, password reset.

Flows (seed 002, SPEC §3):
- self-registration: terms → email twice → mailed link → profile form → confirm → account;
- first login with issued credentials: terms → email twice → mailed link → new login ID and
  password; until then nothing else is reachable (`pending_step`);
- password reset: login ID and registered email → mailed link valid 24 hours → new password.
Every password change ends every other session and token (`auth_epoch`).
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit, fields, mail, members, postal, tokens
from .accounts import check_current_password, hash_password, temporary_password
from .actors import Actor
from .db import utcnow
from .errors import Conflict, Forbidden, LinkInvalid, NotFound, ValidationFailed
from .fields import FieldError
from .models import AuditEvent, FormerLoginId, Membership, OneTimeToken, Physician, UserAccount
from .statuses import MembershipStatus

#: the version of 利用規約 shown on the terms page; a new version asks everyone to accept again.
#: 2024-09-24: the whole of ver1.00 (the earlier text shown stopped at 別表1 (5), without 別表2).
TERMS_VERSION = "2024-09-24"


def terms_revised(account: UserAccount) -> bool:
    """The account accepted an earlier version of the terms (it is asked again, and told why)."""
    return account.terms_accepted_at is not None and account.terms_version != TERMS_VERSION

Link = Callable[[str], str]  # token → absolute URL of the page that takes it

#: the profile form: field → its rule (membership.fields). Order is the seed's.
PROFILE_RULES: dict[str, Callable] = {
    "registry_number": fields.registry_number,
    "registry_date": lambda v: fields.date(v),
    "family_kana": lambda v: fields.kana(v, 64),
    "given_kana": lambda v: fields.kana(v, 64),
    "family_name": lambda v: fields.name(v, 32),
    "given_name": lambda v: fields.name(v, 32),
    "maiden_family_kana": lambda v: fields.kana(v, 64, optional=True),
    "maiden_given_kana": lambda v: fields.kana(v, 64, optional=True),
    "maiden_family_name": lambda v: fields.name(v, 32, optional=True),
    "maiden_given_name": lambda v: fields.name(v, 32, optional=True),
    "postal_code": fields.postal_code,
    "prefecture": fields.prefecture,
    "address": lambda v: fields.text(v, 50, optional=False),
    "mobile": lambda v: fields.phone(v, optional=False),
    "tel": fields.phone,
    "fax": fields.phone,
    "birth_date": lambda v: fields.date(v),
    "sex": fields.sex,
    "main_department": fields.department,
    "sub_department": lambda v: fields.department(v, optional=True),
    "alma_mater": lambda v: fields.school(v, optional=False),
    "graduated_on": lambda v: fields.month(v, optional=False),
    "grad_school": fields.school,
    "grad_completed_on": fields.month,
    "grad_faculty": lambda v: fields.zenkaku(v, 100),
    "doctorate_on": fields.month,
    "societies": fields.societies,
}


def _check(rules: dict[str, Callable], data: dict, errors: dict) -> dict:
    clean = {}
    for name, rule in rules.items():
        try:
            clean[name] = rule(data.get(name))
        except FieldError as exc:
            errors[name] = (exc.key, exc.params)
    return clean


def validate_profile(session: Session, data: dict, physician_id: int | None = None) -> dict:
    """The registration/profile fields, cleaned. Raises ValidationFailed naming every bad field."""
    errors: dict[str, tuple[str, dict]] = {}
    clean = _check(PROFILE_RULES, data, errors)
    # each date fine alone, the dates of one life in order (a slip of a decade is caught here)
    fields.life_order(clean, errors, "birth_date", {"graduated_on": 18, "registry_date": fields.MIN_AGE,
                                                     "grad_completed_on": fields.MIN_AGE,
                                                     "doctorate_on": fields.MIN_AGE},
                      in_order=("graduated_on", "registry_date"))
    if not {"postal_code", "prefecture"} & errors.keys() and (
            wrong := postal.mismatch(clean.get("postal_code", ""), clean.get("prefecture", ""))):
        errors["prefecture"] = wrong
    number = clean.get("registry_number")
    if number and session.scalar(sa.select(Physician.id).where(
            Physician.registry_number == number, Physician.id != (physician_id or 0))):
        # at self-registration: the physician is likely a member already — say how to get in
        errors["registry_number"] = ("registry_number_taken" if physician_id else "registry_number_registered", {})
    if errors:
        raise ValidationFailed(errors)
    return clean


def validate_credentials(session: Session, data: dict, account: UserAccount | None = None,
                         password: bool = True) -> dict:
    """login_id, password and password_confirm (`password=False`: the login ID alone, the password
    having been checked and kept as its hash). Raises ValidationFailed."""
    errors: dict[str, tuple[str, dict]] = {}
    rules = {"login_id": fields.login_id, **({"password": fields.password} if password else {})}
    clean = _check(rules, data, errors)
    if "password" in clean and data.get("password_confirm") != data.get("password"):
        errors["password_confirm"] = ("passwords_differ", {})
    login_id = clean.get("login_id")
    if login_id and session.scalar(sa.select(UserAccount.id).where(
            sa.func.lower(UserAccount.login_id) == login_id.lower(),
            UserAccount.id != (account.id if account else 0))):
        errors["login_id"] = ("login_id_taken", {"value": login_id})
    if errors:
        raise ValidationFailed(errors)
    return clean


def _emails(raw: str | None, confirm: str | None) -> str:
    try:
        email = fields.email(raw)
    except FieldError as exc:
        raise ValidationFailed.one("email", exc.key, **exc.params) from None
    if fields.halfwidth(confirm).lower() != email.lower():
        raise ValidationFailed.one("email_confirm", "emails_differ")
    return email


# --- self-registration ------------------------------------------------------------------------

def start_registration(session: Session, email: str | None, email_confirm: str | None, agreed: bool,
                       link: Link, lang: str = "ja") -> str:
    """Terms accepted and email entered twice: mail a registration link (in `lang`, the language of
    the screen it was asked from). Returns the address."""
    if not agreed:
        raise ValidationFailed.one("agree", "must_agree")
    address = _emails(email, email_confirm)
    existing = _active_accounts_with_email(session, address)
    if _mailed_lately(session, address, existing) >= MAILS_PER_ADDRESS:
        # asked again and again (or by someone else, to fill that inbox): the mails already sent
        # stand; the screen answers as always, so it still tells nobody which addresses exist
        audit.record(session, None, "registration.throttled", "one_time_token", None)
        return address
    if existing:
        # one person, one account: the owner is reminded of it instead of making a second one (and
        # the screen answers the same way, so it tells nobody which addresses are registered)
        mail.send(session, existing[0].email, "already_registered", lang=existing[0].lang,
                  logins=[a.login_id for a in existing])
        audit.record(session, None, "registration.already_registered", "user_account", existing[0].id)
        return address
    token = tokens.issue(session, "register", email=address)
    mail.send(session, address, "register_link", lang=lang, link=link(token), hours=24)
    audit.record(session, None, "registration.start", "one_time_token", None)
    return address


#: registration mails to one address, at most, within MAILS_WINDOW (a form sent in a loop must
#: not flood someone's inbox from this system's address)
MAILS_PER_ADDRESS = 3
MAILS_WINDOW = dt.timedelta(minutes=15)


def _mailed_lately(session: Session, address: str, existing: list[UserAccount]) -> int:
    """How many registration mails went to `address` within MAILS_WINDOW: links issued to it, or
    reminders to the account that has it (each recorded as it was sent)."""
    since = utcnow() - MAILS_WINDOW
    if existing:
        return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "registration.already_registered", AuditEvent.object_type == "user_account",
            AuditEvent.object_id == existing[0].id, AuditEvent.at >= since)) or 0
    return session.scalar(sa.select(sa.func.count()).select_from(OneTimeToken).where(
        OneTimeToken.purpose == "register", sa.func.lower(OneTimeToken.email) == address.lower(),
        OneTimeToken.expires_at >= since + tokens.LIFETIMES["register"])) or 0


def _sent_lately(session: Session, action: str, account_id: int) -> bool:
    """Whether the account was mailed MAILS_PER_ADDRESS times for `action` (an audit action) within
    MAILS_WINDOW: the forgotten-login-ID and reset forms are not a way to flood a member's inbox,
    nor to keep cancelling the reset link the member was just sent."""
    return (session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "user_account", AuditEvent.object_id == account_id,
        AuditEvent.at >= utcnow() - MAILS_WINDOW)) or 0) >= MAILS_PER_ADDRESS


def _active_accounts_with_email(session: Session, address: str) -> list[UserAccount]:
    return list(session.scalars(sa.select(UserAccount).where(
        sa.func.lower(UserAccount.email) == address.lower(), UserAccount.is_active.is_(True))
        .order_by(UserAccount.id)))


def remind_login_id(session: Session, email: str | None) -> None:
    """ログインIDをお忘れの方: mail the login IDs of the active accounts registered with the address.
    Answers the same way whether there are any, so that it does not reveal which addresses exist.
    Raises ValidationFailed for a missing or malformed address."""
    try:
        address = fields.email(email)
    except FieldError as exc:
        raise ValidationFailed.one("email", exc.key, **exc.params) from None
    accounts = _active_accounts_with_email(session, address)
    if not accounts:
        audit.record(session, None, "login_id.reminder_unmatched", "user_account", None)
        return
    if _sent_lately(session, "login_id.reminder_sent", accounts[0].id):  # answered alike, not sent
        audit.record(session, None, "login_id.reminder_throttled", "user_account", accounts[0].id)
        return
    mail.send(session, accounts[0].email, "login_id_reminder", lang=accounts[0].lang,
              logins=[a.login_id for a in accounts])
    audit.record(session, None, "login_id.reminder_sent", "user_account", accounts[0].id)


def registration_email(session: Session, token: str | None) -> str:
    """The address a registration link was sent to. Raises LinkInvalid."""
    return tokens.peek(session, "register", token).email


def check_registration(session: Session, data: dict, password: bool = True) -> tuple[dict, dict]:
    """The registration form (credentials and profile), cleaned, without storing anything.

    Returns (credentials, profile). Raises ValidationFailed naming every bad field of both.
    """
    errors: dict[str, tuple[str, dict]] = {}
    credentials: dict = {}
    profile: dict = {}
    try:
        credentials = validate_credentials(session, data, password=password)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        profile = validate_profile(session, data)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    return credentials, profile


def confirm_registration(session: Session, token: str | None, data: dict) -> tuple[dict, dict]:
    """The registration's confirmation: check_registration, and the password kept with the link as
    its hash for complete_registration (the confirmation page does not carry it back in the clear).

    Raises LinkInvalid, ValidationFailed."""
    row = tokens.peek(session, "register", token)
    if row.kept_hash and not data.get("password") and not data.get("password_confirm"):  # back from 確認, not retyped
        return check_registration(session, data, password=False)
    credentials, profile = check_registration(session, data)
    row.kept_hash = hash_password(credentials["password"])
    return credentials, profile


def password_kept(session: Session, token: str | None) -> bool:
    """Whether a confirmation already kept the password typed for this registration link."""
    try:
        return bool(tokens.peek(session, "register", token).kept_hash)
    except LinkInvalid:
        return False


def complete_registration(session: Session, token: str | None, data: dict, lang: str = "ja") -> UserAccount:
    """Create the physician and their member account from the profile form and credentials (the
    account's language `lang`, the screen's). The password is the one typed in `data`, or else the
    one kept at the confirmation (confirm_registration).

    Raises LinkInvalid, ValidationFailed (every bad field at once).
    """
    kept = tokens.peek(session, "register", token).kept_hash
    password_hash = None if data.get("password") or not kept else kept
    credentials, profile = check_registration(session, data, password=password_hash is None)
    row = tokens.consume(session, "register", token)
    row.kept_hash = None
    physician = Physician(email=row.email, **profile)
    session.add(physician)
    session.flush()
    now = utcnow()
    account = UserAccount(login_id=credentials["login_id"],
                          password_hash=password_hash or hash_password(credentials["password"]),
                          role="member", physician_id=physician.id, email=row.email,
                          display_name=physician.full_name, terms_version=TERMS_VERSION,
                          terms_accepted_at=row.created_at, email_verified_at=now,
                          lang=lang if lang in mail.LANGS else "ja")
    session.add(account)
    session.flush()
    audit.record(session, Actor.of(account), "registration.complete", "user_account", account.id,
                 physician_id=physician.id, terms_version=TERMS_VERSION)
    mail.send(session, row.email, "register_done", lang=account.lang, name=physician.full_name,
              login_id=account.login_id)
    return account


# --- first login with issued credentials -----------------------------------------------------

def pending_step(account: UserAccount) -> str | None:
    """What an account must do before anything else: "terms", "email", "credentials" or None.

    Terms and email concern physicians (members); issued credentials must be changed by anyone.
    """
    if account.role == "member":
        if account.terms_version != TERMS_VERSION:
            return "terms"
        if account.email_verified_at is None:
            return "email"
    if account.must_change_credentials:
        return "credentials"
    return None


def _account(session: Session, actor: Actor) -> UserAccount:
    account = session.get(UserAccount, actor.user_id)
    if account is None:
        raise NotFound()
    return account


def accept_terms(session: Session, actor: Actor, agreed: bool) -> UserAccount:
    if not agreed:
        raise ValidationFailed.one("agree", "must_agree")
    account = _account(session, actor)
    account.terms_version = TERMS_VERSION
    account.terms_accepted_at = utcnow()
    audit.record(session, actor, "terms.accept", "user_account", account.id, version=TERMS_VERSION)
    return account


def request_email_verification(session: Session, actor: Actor, email: str | None, email_confirm: str | None,
                               link: Link, current_password: str | None = None) -> str:
    """Mail a verification link to the address entered twice. Returns the address.

    Changing a verified address needs the current password (throttled): the address is where a
    password reset goes, so a borrowed session must not be able to redirect it. The first address
    of the first-login steps does not (the issued password was just typed)."""
    account = _account(session, actor)
    errors: dict[str, tuple[str, dict]] = {}
    address = ""
    try:
        address = _emails(email, email_confirm)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if account.email_verified_at is not None:
        if not current_password:
            errors["current_password"] = ("required", {})
        elif not errors:  # the password is tried only with a good address (and a try counts)
            check_current_password(session, account, current_password)
    if errors:
        raise ValidationFailed(errors)
    token = tokens.issue(session, "verify_email", user_id=account.id, email=address)
    mail.send(session, address, "verify_email", lang=account.lang, name=account.display_name, link=link(token),
              hours=24)
    audit.record(session, actor, "email.verification_sent", "user_account", account.id)
    return address


def verify_email(session: Session, token: str | None) -> UserAccount:
    """Raises LinkInvalid."""
    row = tokens.consume(session, "verify_email", token)
    account = session.get(UserAccount, row.user_id)
    if account is None:
        raise NotFound()
    previous = account.email if account.email_verified_at is not None else ""
    if previous != row.email:  # a reset link mailed to the old address stops working
        tokens.revoke(session, account.id, "reset_password")
    account.email = row.email
    account.email_verified_at = utcnow()
    if previous and previous != row.email:  # the old address is told, in case it was not its owner
        mail.send(session, previous, "email_changed", lang=account.lang, name=account.display_name,
                  address=row.email)
    if account.physician_id:
        physician = session.get(Physician, account.physician_id)
        physician.email = row.email
    audit.record(session, Actor.of(account), "email.verify", "user_account", account.id)
    return account


def account_summary(session: Session, actor: Actor) -> UserAccount:
    """The actor's own account (アカウント設定: login ID, address, last login)."""
    return _account(session, actor)


def change_credentials(session: Session, actor: Actor, data: dict) -> UserAccount:
    """New login ID and password (current password required). Ends every other session.

    Raises ValidationFailed (wrong current password, rules, a taken ID, the issued ones kept).
    """
    account = _account(session, actor)
    check_current_password(session, account, data.get("current_password"))
    errors: dict[str, tuple[str, dict]] = {}
    clean: dict = {}
    try:
        clean = validate_credentials(session, data, account=account)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if account.must_change_credentials:  # the issued ones must be replaced (a staff user's ID was chosen for it)
        if account.role == "member" and fields.halfwidth(data.get("login_id")) == account.login_id:
            errors.setdefault("login_id", ("same_as_before", {}))
        if data.get("password") == data.get("current_password"):
            errors.setdefault("password", ("same_as_before", {}))
    if errors:
        raise ValidationFailed(errors)
    _replace_login_id(session, account, clean["login_id"])
    _set_password(session, account, clean["password"])
    account.must_change_credentials = False
    audit.record(session, actor, "credentials.change", "user_account", account.id)
    return account


def _set_password(session: Session, account: UserAccount, password: str) -> None:
    account.password_hash = hash_password(password)
    account.auth_epoch = (account.auth_epoch or 0) + 1  # every other session and token ends
    tokens.revoke(session, account.id, "reset_password")  # and a reset link mailed before the change
    if account.email:
        mail.send(session, account.email, "password_changed", lang=account.lang, name=account.display_name)


# --- password reset ---------------------------------------------------------------------------

def request_password_reset(session: Session, login_id: str | None, email: str | None, link: Link) -> None:
    """Mail a reset link when the login ID and registered email match an active account.

    Answers the same way either way, so that it does not reveal which accounts exist.
    """
    login_id, address = fields.halfwidth(login_id), fields.halfwidth(email).lower()
    if not login_id or not address:
        errors = {}
        if not login_id:
            errors["login_id"] = ("required", {})
        if not address:
            errors["email"] = ("required", {})
        raise ValidationFailed(errors)
    account = session.scalar(sa.select(UserAccount).where(UserAccount.login_id == login_id))
    if account is None or not account.is_active or (account.email or "").lower() != address:
        audit.record(session, None, "password.reset_unmatched", "user_account", None)
        return
    if _sent_lately(session, "password.reset_requested", account.id):  # the last link stands; answered alike
        audit.record(session, None, "password.reset_throttled", "user_account", account.id)
        return
    token = tokens.issue(session, "reset_password", user_id=account.id, email=account.email)
    mail.send(session, account.email, "reset_password", lang=account.lang, name=account.display_name,
              link=link(token), hours=24)
    audit.record(session, None, "password.reset_requested", "user_account", account.id)


def check_reset_link(session: Session, token: str | None) -> None:
    tokens.peek(session, "reset_password", token)


def reset_password(session: Session, token: str | None, password: str | None, confirm: str | None) -> UserAccount:
    """Raises LinkInvalid, ValidationFailed."""
    tokens.peek(session, "reset_password", token)
    try:
        clean = fields.password(password)
    except FieldError as exc:  # named as the form labels it: 新しいパスワード
        raise ValidationFailed({"password": (exc.key, exc.params)}, context="reset") from None
    if confirm != password:
        raise ValidationFailed.one("password_confirm", "passwords_differ")
    row = tokens.consume(session, "reset_password", token)
    account = session.get(UserAccount, row.user_id)
    if account is None or not account.is_active:
        raise NotFound()
    _set_password(session, account, clean)
    audit.record(session, None, "password.reset", "user_account", account.id)
    return account


# --- issued credentials (existing members) --------------------------------------------------

_ID_ALPHABET = string.ascii_lowercase + string.digits


def issue_credentials(session: Session, actor: Actor, physician_id: int) -> tuple[UserAccount, str]:
    """Temporary login ID and password for an existing member (the postcard, ID・パスワード通知ハガキ).

    An admin may issue for anyone; a secretariat for members of its own association. The member
    must accept the terms, register an email and change both at first login. Returns the account
    and the temporary password (shown once, printed on the notice, never stored in clear).
    Raises NotFound (missing or out of scope), Forbidden.
    """
    if actor.role not in ("admin", "secretariat"):
        raise Forbidden()
    physician = members.get_member_to_act(session, actor, physician_id)  # NotFound outside the scope
    account = session.scalar(sa.select(UserAccount).where(UserAccount.physician_id == physician_id))
    if refusal := credentials_refusal(session, actor, physician_id, account):
        raise ValidationFailed.one("credentials", refusal)
    password, password_hash = temporary_password()
    if account is None:
        account = UserAccount(role="member", physician_id=physician_id, display_name=physician.full_name,
                              login_id=_free_login_id(session), password_hash="")
        session.add(account)
    else:
        _replace_login_id(session, account, _free_login_id(session))
        account.auth_epoch = (account.auth_epoch or 0) + 1
    account.password_hash = password_hash
    account.must_change_credentials = True
    # the first login again: the terms are asked as at a first login (not as "revised")
    account.terms_version, account.terms_accepted_at = "", None
    account.email_verified_at = None
    session.flush()
    audit.record(session, actor, "credentials.issue", "user_account", account.id, physician_id=physician_id)
    return account, password


def _replace_login_id(session: Session, account: UserAccount, login_id: str) -> None:
    """Give the account a new login ID, keeping the old one findable in the audit trail."""
    if account.login_id and account.login_id != login_id:
        session.add(FormerLoginId(login_id=account.login_id, user_id=account.id))
    account.login_id = login_id


def credentials_refusal(session: Session, actor: Actor, physician_id: int, account: UserAccount | None) -> str | None:
    """Why the office may not issue a login notice to the physician, or None. A secretariat issues
    only to a current member of its own association (not an applicant, a former member or a
    session's attendee), and only while the member has not used an account: issuing replaces the
    login ID and password, so for an account in use it would hand the office the member's account
    (and their data in every association). A member who forgot theirs resets them by mail. An
    admin may re-issue for anyone (support), recorded in the audit trail."""
    if account is not None and not account.is_active:
        return "credentials_account_stopped"  # a notice for it would not log in: restore it first
    if actor.role == "admin":
        return None
    member_here = session.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.physician_id == physician_id, Membership.association_id == actor.association_id,
        Membership.status == MembershipStatus.ACTIVE))
    if not member_here:
        return "credentials_members_only"
    if account is not None and not (account.must_change_credentials and account.last_login_at is None):
        return "credentials_in_use"
    return None


#: the login notices issued at once, at most: one transaction and one PDF (≈ 5 ms a page) in a
#: request of a few seconds (temporary passwords are hashed lightly, decision 0030)
CREDENTIAL_BATCH = 500
#: whom a bulk issue is for: members with no account yet; or issued ones never used (re-issue)
CREDENTIAL_TARGETS = {"none": "ログインIDが未発行の会員", "unused": "発行済みで未ログインの会員"}


def credential_candidates(session: Session, actor: Actor, target: str = "none") -> tuple[list[int], int]:
    """The current members of the secretariat's association (an admin: every physician) who have no
    account (`none`), or whose issued credentials were never used (`unused`), by kana: (the first
    CREDENTIAL_BATCH ids, how many in all). Raises Forbidden, ValidationFailed."""
    if actor.role not in ("admin", "secretariat") or (actor.role == "secretariat" and not actor.association_id):
        raise Forbidden()
    if target not in CREDENTIAL_TARGETS:
        raise ValidationFailed.one("target", "choose_from_list")
    accounts = sa.select(UserAccount.physician_id).where(UserAccount.physician_id.is_not(None))
    if target == "none":
        condition = Physician.id.not_in(accounts)
    else:
        condition = Physician.id.in_(accounts.where(UserAccount.must_change_credentials.is_(True),
                                                    UserAccount.last_login_at.is_(None),
                                                    UserAccount.is_active.is_(True)))
    stmt = sa.select(Physician.id).where(condition)
    if actor.role == "secretariat":
        stmt = stmt.where(Physician.id.in_(sa.select(Membership.physician_id).where(
            Membership.association_id == actor.association_id, Membership.status == MembershipStatus.ACTIVE)))
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    ids = session.scalars(stmt.order_by(Physician.family_kana, Physician.given_kana, Physician.id)
                          .limit(CREDENTIAL_BATCH)).all()
    return list(ids), total


def issue_credentials_in_bulk(session: Session, actor: Actor, target: str = "none") -> list[tuple[UserAccount, str]]:
    """Issue login notices to the first CREDENTIAL_BATCH candidates in one transaction (all or
    none): [(account, temporary password)], in kana order."""
    ids, _ = credential_candidates(session, actor, target)
    issued = [issue_credentials(session, actor, physician_id) for physician_id in ids]
    audit.record(session, actor, "credentials.issue_bulk", "user_account", None, target=target, count=len(issued))
    return issued


def _free_login_id(session: Session) -> str:
    while True:
        candidate = "m" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))
        if not session.scalar(sa.select(UserAccount.id).where(UserAccount.login_id == candidate)):
            return candidate


def disable_account(session: Session, actor: Actor, user_id: int, reason: str) -> UserAccount:
    """Admin only: the account can no longer log in; its data stays (利用規約 §8)."""
    if actor.role != "admin":
        raise Forbidden()
    account = session.get(UserAccount, user_id)
    if account is None:
        raise NotFound()
    if not account.is_active:  # stopped already: its date and reason stay as they were
        raise Conflict("account_disabled_already")
    try:
        reason = fields.text(reason, 200, optional=False)
    except FieldError as exc:
        raise ValidationFailed.one("reason", exc.key, **exc.params) from None
    account.is_active = False
    account.disabled_at = utcnow()
    account.disabled_reason = reason
    account.auth_epoch = (account.auth_epoch or 0) + 1
    audit.record(session, actor, "account.disable", "user_account", account.id, reason=reason)
    return account


def enable_account(session: Session, actor: Actor, user_id: int) -> UserAccount:
    """Admin only: a stopped account may log in again (stopped by mistake, or the member came back),
    with the login ID and password it had. Raises NotFound, Conflict (not stopped)."""
    if actor.role != "admin":
        raise Forbidden()
    account = session.get(UserAccount, user_id)
    if account is None:
        raise NotFound()
    if account.is_active:
        raise Conflict("account_active_already")
    account.is_active, account.disabled_at, account.disabled_reason = True, None, ""
    audit.record(session, actor, "account.enable", "user_account", account.id)
    return account
