"""The domain's tables (SQLAlchemy 2 declarative)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, JSONType, utcnow


class Association(Base):
    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kana: Mapped[str] = mapped_column(sa.String(200), default="")
    layer: Mapped[int] = mapped_column(sa.SmallInteger)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    #: national / prefectural / municipal / occupational / university / district
    kind: Mapped[str] = mapped_column(sa.String(20))
    prefecture: Mapped[str] = mapped_column(sa.String(10), default="")
    #: municipalities (市区町村) this association covers, for the prefecture → city search
    areas: Mapped[list] = mapped_column(JSONType, default=list)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    tel: Mapped[str] = mapped_column(sa.String(20), default="")

    parent: Mapped[Association | None] = relationship(remote_side=[id])
    #: the categories offered to applicants (a retired one stays on the memberships that have it)
    categories: Mapped[list[MemberCategory]] = relationship(
        primaryjoin="and_(Association.id == MemberCategory.association_id, MemberCategory.retired_at.is_(None))",
        order_by="MemberCategory.sort_order", viewonly=True,
    )

    __table_args__ = (sa.CheckConstraint("layer BETWEEN 1 AND 4", name="layer_range"),)


class MemberCategory(Base):
    __tablename__ = "member_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"))
    code: Mapped[str] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(100))
    criteria: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    #: no longer offered to new applications (会員区分の廃止); kept for the memberships that have it
    retired_at: Mapped[dt.datetime | None]

    association: Mapped[Association] = relationship()

    __table_args__ = (sa.UniqueConstraint("association_id", "code", name="uq_member_categories_assoc_code"),)


class Facility(Base):
    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kana: Mapped[str] = mapped_column(sa.String(200), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(8), default="")
    prefecture: Mapped[str] = mapped_column(sa.String(10), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    tel: Mapped[str] = mapped_column(sa.String(20), default="")
    fax: Mapped[str] = mapped_column(sa.String(20), default="")
    owner_type: Mapped[str] = mapped_column(sa.String(40), default="")
    beds: Mapped[int] = mapped_column(default=0)
    annexes: Mapped[str] = mapped_column(sa.String(200), default="")


class Physician(Base):
    __tablename__ = "physicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_number: Mapped[str | None] = mapped_column(sa.String(6), unique=True)
    family_name: Mapped[str] = mapped_column(sa.String(32))
    given_name: Mapped[str] = mapped_column(sa.String(32))
    family_kana: Mapped[str] = mapped_column(sa.String(64), default="")
    given_kana: Mapped[str] = mapped_column(sa.String(64), default="")
    birth_date: Mapped[dt.date | None]
    sex: Mapped[str] = mapped_column(sa.String(1), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    jma_member_id: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    # The registration form of the seed (利用者登録); rules in membership/fields.py.
    registry_date: Mapped[dt.date | None]
    maiden_family_name: Mapped[str] = mapped_column(sa.String(32), default="")
    maiden_given_name: Mapped[str] = mapped_column(sa.String(32), default="")
    maiden_family_kana: Mapped[str] = mapped_column(sa.String(64), default="")
    maiden_given_kana: Mapped[str] = mapped_column(sa.String(64), default="")
    postal_code: Mapped[str] = mapped_column(sa.String(8), default="")
    prefecture: Mapped[str] = mapped_column(sa.String(10), default="")
    address: Mapped[str] = mapped_column(sa.String(100), default="")
    mobile: Mapped[str] = mapped_column(sa.String(15), default="")
    tel: Mapped[str] = mapped_column(sa.String(15), default="")
    fax: Mapped[str] = mapped_column(sa.String(15), default="")
    main_department: Mapped[str] = mapped_column(sa.String(2), default="")
    sub_department: Mapped[str] = mapped_column(sa.String(2), default="")
    alma_mater: Mapped[str] = mapped_column(sa.String(60), default="")
    graduated_on: Mapped[str] = mapped_column(sa.String(7), default="")  # YYYY-MM
    grad_school: Mapped[str] = mapped_column(sa.String(60), default="")
    grad_completed_on: Mapped[str] = mapped_column(sa.String(7), default="")
    grad_faculty: Mapped[str] = mapped_column(sa.String(100), default="")
    doctorate_on: Mapped[str] = mapped_column(sa.String(7), default="")
    societies: Mapped[list] = mapped_column(JSONType, default=list)
    #: 送付物設定: where mail goes (facility / home) and whether it is sent at all
    dispatch_to: Mapped[str] = mapped_column(sa.String(10), default="facility")
    dispatch_stopped: Mapped[bool] = mapped_column(default=False)

    # the member list's order (a national office's page is read by walking it). On PostgreSQL the
    # searched columns also have trigram indexes (migration 0030, db.SEARCH_INDEXES)
    __table_args__ = (sa.Index("ix_physicians_kana", "family_kana", "given_kana", "id"),)

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()


class UserAccount(Base):
    __tablename__ = "user_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    #: member / secretariat / designer / admin
    role: Mapped[str] = mapped_column(sa.String(20))
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    physician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("physicians.id"), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: bumped on password change: sessions and tokens issued before it stop working
    auth_epoch: Mapped[int] = mapped_column(default=0)
    #: issued (temporary) credentials: login ID and password must be changed before anything else
    must_change_credentials: Mapped[bool] = mapped_column(default=False)
    terms_version: Mapped[str] = mapped_column(sa.String(20), default="")
    terms_accepted_at: Mapped[dt.datetime | None]
    email_verified_at: Mapped[dt.datetime | None]
    disabled_at: Mapped[dt.datetime | None]
    disabled_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    last_login_at: Mapped[dt.datetime | None]
    #: the language last chosen on the screens ("ja", "en"): the account's mails are written in it
    lang: Mapped[str] = mapped_column(sa.String(2), default="ja", server_default="ja")

    association: Mapped[Association | None] = relationship()
    physician: Mapped[Physician | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("role IN ('member','secretariat','designer','admin')", name="role_known"),
        sa.CheckConstraint("role <> 'secretariat' OR association_id IS NOT NULL", name="secretariat_has_assoc"),
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    auth_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class LoginSession(Base):
    """A login on the screens: the browser's session cookie names it, and logging out ends it, so
    a copy of the cookie (a shared PC, a proxy log) stops working then — the cookie alone is
    signed, not revocable."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]


class OneTimeToken(Base):
    """A link sent by mail (email verification, registration, password reset): single use, expiring.

    Only the SHA-256 of the token is stored.
    """

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: verify_email / register / reset_password
    purpose: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    #: a registration link: the password's hash, checked at the confirmation and kept here (not in
    #: the page, not in the cookie) until the registration; cleared when the link is used
    kept_hash: Mapped[str | None] = mapped_column(sa.String(255))


class ProfileChange(Base):
    """History of registered data (登録情報): one row per changed field."""

    __tablename__ = "profile_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    #: indexed: the offices' list of changes by period and the morning digest read by time
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    #: the member's own account when staff changed it for them (利用規約 §5-5)
    on_behalf_of_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    field: Mapped[str] = mapped_column(sa.String(40))
    old_value: Mapped[str] = mapped_column(sa.Text, default="")
    new_value: Mapped[str] = mapped_column(sa.Text, default="")

    #: the changes list by kind of field (identity, contact…) over a period (0039)
    __table_args__ = (sa.Index("ix_profile_changes_field_at", "field", "at"),)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: the browser's device id when it had logged in to this account before ('' otherwise)
    device: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")


class MembershipGroup(Base):
    """One chain of memberships (local → prefecture → JMA) tied to the facility joined through."""

    __tablename__ = "membership_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))
    home_member: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="group")


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("membership_groups.id"))  # indexed by the unique key
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("member_categories.id"))
    layer: Mapped[int] = mapped_column(sa.SmallInteger)
    status: Mapped[str] = mapped_column(sa.String(12))
    since: Mapped[dt.date]
    until: Mapped[dt.date | None]

    group: Mapped[MembershipGroup] = relationship(back_populates="memberships")
    association: Mapped[Association] = relationship()
    category: Mapped[MemberCategory] = relationship()

    __table_args__ = (sa.UniqueConstraint("group_id", "association_id", name="uq_memberships_group_assoc"),
                      # an office's physicians read from the index alone (the member list's count)
                      sa.Index("ix_memberships_association_physician", "association_id", "physician_id"))


class MembershipEvent(Base):
    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(sa.ForeignKey("memberships.id"), index=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"))
    #: joined / left / category_changed
    kind: Mapped[str] = mapped_column(sa.String(20))
    on_date: Mapped[dt.date]
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    association: Mapped[Association] = relationship()
    membership: Mapped[Membership] = relationship()


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    #: None only for a training session's approval (kind "session": an association applies)
    physician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    #: the member's own account: amendments after a return are assigned to it
    applicant_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"))
    #: who actually filed it (differs from the applicant when staff acted on the member's behalf)
    filed_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("membership_groups.id"))
    desired_date: Mapped[dt.date | None]
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))
    duty_code: Mapped[str] = mapped_column(sa.String(2), default="")
    position: Mapped[str] = mapped_column(sa.String(40), default="")
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]

    parts: Mapped[list[ApplicationPart]] = relationship(
        back_populates="application", order_by="ApplicationPart.seq"
    )
    facility: Mapped[Facility | None] = relationship()
    physician: Mapped[Physician | None] = relationship()
    group: Mapped[MembershipGroup | None] = relationship()


class ApplicationPart(Base):
    """What one association is asked to decide: join, leave or certify."""

    __tablename__ = "application_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    seq: Mapped[int] = mapped_column(sa.SmallInteger)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    layer: Mapped[int] = mapped_column(sa.SmallInteger)
    action: Mapped[str] = mapped_column(sa.String(10))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member_categories.id"))
    status: Mapped[str] = mapped_column(sa.String(12))
    decided_at: Mapped[dt.datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    application: Mapped[Application] = relationship(back_populates="parts")
    association: Mapped[Association] = relationship()
    category: Mapped[MemberCategory | None] = relationship()


#: the audit actions that are incidents (engine.incidents), as the partial index on them reads:
#: a query that names them in these words, literally, is answered from it
INCIDENT_ACTIONS_SQL = ("action IN ('instance.incident', 'process.incident', 'instance.timer_failed', "
                        "'process.start_failed')")


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    on_behalf_of_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)

    __table_args__ = (
        sa.Index("ix_audit_events_object", "object_type", "object_id"),
        # one person's rows, newest first (the administrators' search by login ID)
        sa.Index("ix_audit_events_actor", "actor_user_id", "id"),
        sa.Index("ix_audit_events_on_behalf", "on_behalf_of_user_id", "id",
                 postgresql_where=sa.text("on_behalf_of_user_id IS NOT NULL"),
                 sqlite_where=sa.text("on_behalf_of_user_id IS NOT NULL")),
        # the designers' incident list (engine.incidents) among millions of other rows
        sa.Index("ix_audit_events_incidents", "id", postgresql_where=sa.text(INCIDENT_ACTIONS_SQL),
                 sqlite_where=sa.text(INCIDENT_ACTIONS_SQL)),
    )


class FormerLoginId(Base):
    """A login ID an account had before (the one printed on its login notice, before the first
    login replaced it): the audit trail is searched by it too."""

    __tablename__ = "former_login_ids"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    replaced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """A mail to send: written in the same transaction as the change it reports (an outbox)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    #: queued / sending / sent / failed
    status: Mapped[str] = mapped_column(sa.String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    #: queued: not before this (the back-off after a failed send; none for a new mail);
    #: sending: the claim's end — a worker that died meanwhile leaves it to be taken again
    next_attempt_at: Mapped[dt.datetime | None]


class ClosedDay(Base):
    """A day an association's office is closed besides weekends and national holidays (年末年始…)."""

    __tablename__ = "closed_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    on_date: Mapped[dt.date]
    label: Mapped[str] = mapped_column(sa.String(40), default="")

    __table_args__ = (sa.UniqueConstraint("association_id", "on_date", name="uq_closed_days_assoc_date"),)


class ApplicationNote(Base):
    """A comment or note on an application, seen by the staff of every association it involves;
    `to_applicant` ones are also shown to the applicant (My Page) and mailed."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    to_applicant: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    association: Mapped[Association | None] = relationship()


class ApplicationDraft(Base):
    """An application being composed (the wizard's state), kept until it is filed or deleted.

    `saved_at` is set by 一時保存: the draft is then listed on My Page to be resumed.
    """

    __tablename__ = "application_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    #: a secretariat composing it for the applicant (利用規約 §5-5), else None
    filed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    step: Mapped[str] = mapped_column(sa.String(20), default="choose")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[dt.datetime | None]


class Document(Base):
    """An uploaded file (提出書類) for one association of an application (or of its draft).

    The bytes live outside the web root under `stored_name` (random); `filename` is the cleaned
    original name, for display and downloads only, never used as a path.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application_drafts.id", ondelete="SET NULL"),
                                                 index=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    filename: Mapped[str] = mapped_column(sa.String(120))
    stored_name: Mapped[str] = mapped_column(sa.String(40), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: what the file is (uploads.DOCUMENT_KINDS): 提出書類, 履歴書・経歴書 or その他, as the seed's slots
    kind: Mapped[str] = mapped_column(sa.String(12), default="submission", server_default="submission")

    association: Mapped[Association] = relationship()


class Notice(Base):
    """お知らせ: written by an admin (for everyone: the login page and every My Page) or by an
    association's secretariat (for its members' My Page), shown between two dates."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: a system-wide notice by an admin
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    publish_from: Mapped[dt.date]
    publish_until: Mapped[dt.date | None]
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    association: Mapped[Association | None] = relationship()


class CreditEntry(Base):
    """Credits (単位) a physician earned in one certification system: from a training session,
    e-learning, a journal quiz, a self-declaration, or a legacy paper sticker."""

    __tablename__ = "credit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    #: occupational / sports / lifelong / primary_care (membership.certifications.SYSTEMS)
    system: Mapped[str] = mapped_column(sa.String(20))
    category: Mapped[str] = mapped_column(sa.String(30))
    credits: Mapped[float] = mapped_column(sa.Numeric(6, 1))
    earned_on: Mapped[dt.date]
    #: session / e_learning / quiz / self / paper / legacy
    source: Mapped[str] = mapped_column(sa.String(20))
    source_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))


class Certificate(Base):
    """A certification (認定産業医, 認定健康スポーツ医) issued by JMA, valid for five years, with a
    public verification code."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    system: Mapped[str] = mapped_column(sa.String(20))
    #: new / renewal
    mode: Mapped[str] = mapped_column(sa.String(10))
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    valid_from: Mapped[dt.date]
    valid_until: Mapped[dt.date] = mapped_column(index=True)
    #: active / revoked (expiry is read from valid_until)
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    verification_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the reminders already mailed before expiry ("6m", "3m")
    reminders: Mapped[list] = mapped_column(JSONType, default=list)

    physician: Mapped[Physician] = relationship()


class TrainingSession(Base):
    """研修会: filed by an association (its secretariat), approved by the prefecture and JMA (the
    approval is an application of kind "session"), attended by physicians who earn its credits
    when the organiser files the report (開催報告)."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: what an attendee earns: [{system, category, credits}]
    credit_items: Mapped[list] = mapped_column(JSONType, default=list)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    place: Mapped[str] = mapped_column(sa.String(100))
    capacity: Mapped[int]
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("applications.id"))
    reported_at: Mapped[dt.datetime | None]
    #: called off by the organiser after approval (中止), with the reason told to the registrants
    cancelled_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: filed as a 日本専門医機構認定専門医共通講習 (seed 004: 開催日３か月前までの申請厳守)
    specialist_common: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: what an attendee needs to know beyond the day and the place: the hours, the fee (yen; 0 is
    #: free, None not stated), the last day to apply (申込締切) and whom to ask (問合せ先)
    starts_at: Mapped[dt.time | None]
    ends_at: Mapped[dt.time | None]
    fee: Mapped[int | None]
    apply_by: Mapped[dt.date | None]
    contact: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    organiser: Mapped[Association] = relationship()
    application: Mapped[Application | None] = relationship()
    #: 共催: every association the organiser named, with its answer (see SessionCoOrganiser)
    co_organisations: Mapped[list[SessionCoOrganiser]] = relationship(
        back_populates="training_session", cascade="all, delete-orphan", order_by="SessionCoOrganiser.association_id")
    #: the co-organisers that accepted: they see its attendees, who are linked to them too; the
    #: organiser alone files, changes and reports it
    co_organisers: Mapped[list[Association]] = relationship(
        secondary="session_co_organisers", viewonly=True, order_by="Association.layer",
        secondaryjoin="and_(SessionCoOrganiser.association_id == Association.id, "
                      "SessionCoOrganiser.status == 'accepted')")


class SessionCoOrganiser(Base):
    """An association named as co-organiser (共催) of a session. It is asked first: until its
    secretariat accepts it sees the session (to decide) but not the attendees, and they are not
    linked to it; a declined invitation gives nothing."""

    __tablename__ = "session_co_organisers"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id"), primary_key=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("associations.id"), primary_key=True, index=True)
    #: invited / accepted / declined
    status: Mapped[str] = mapped_column(sa.String(10), default="invited")
    answered_at: Mapped[dt.datetime | None]
    answered_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_accounts.id"))

    training_session: Mapped[TrainingSession] = relationship(back_populates="co_organisations")
    association: Mapped[Association] = relationship()


class SessionRegistration(Base):
    """A physician's place at a training session (first come, first served up to the capacity)."""

    __tablename__ = "session_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_sessions.id"), index=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    #: registered / waiting (キャンセル待ち, in the order of registered_at) / cancelled
    status: Mapped[str] = mapped_column(sa.String(12), default="registered")
    attended: Mapped[bool] = mapped_column(default=False)
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]

    physician: Mapped[Physician] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("session_id", "physician_id", name="uq_session_registrations_session_physician"),)


class BenefitStatus(Base):
    """A physician's standing in a JMA scheme held outside MAMIS — 日本医師会医師賠償責任保険, its
    特約保険, 日医医師年金 —, imported from JMA's data and shown on My Page (利用規約 §⑫⑬)."""

    __tablename__ = "benefit_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(sa.ForeignKey("physicians.id"), index=True)
    #: liability / liability_rider / pension (membership.benefits.KINDS)
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: enrolled / not_enrolled / ended
    status: Mapped[str] = mapped_column(sa.String(20))
    since: Mapped[dt.date | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("physician_id", "kind", name="uq_benefit_statuses_physician_kind"),)


class ImportRun(Base):
    """A CSV import (members, credits, benefits, certificates) written in the background, all rows
    or none (decision 0037). The file is kept only until the run ends; then `problems` or
    `created` says what became of it."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: members / credits / benefits / certificates (membership.import_runs.KINDS)
    kind: Mapped[str] = mapped_column(sa.String(20))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_accounts.id"), index=True)
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("associations.id"))
    filename: Mapped[str] = mapped_column(sa.String(120), default="")
    #: the file as uploaded; emptied when the run ends (personal data is not kept twice)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    rows: Mapped[int] = mapped_column(default=0)
    #: checked (a dry run whose file waits to be confirmed) / queued / running / done / failed
    status: Mapped[str] = mapped_column(sa.String(10), default="queued")
    created: Mapped[int] = mapped_column(default=0)
    #: why it failed: {"key", "params"} and, for rows found bad at writing time, "problems"
    error: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: moved when a worker takes the run: a run left queued or running and quiet is queued again
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]

    __table_args__ = (sa.Index("ix_import_runs_status_updated", "status", "updated_at"),
                      sa.Index("ix_import_runs_kind_association", "kind", "association_id", "id"))
