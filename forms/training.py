"""研修会: the organiser's session form and the report (開催報告)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from membership.certifications import CATEGORIES, SYSTEMS
from membership.training import MAX_CREDIT_ITEMS

from .base import BaseForm
from .normalise import date_text, halfwidth
from .validators import IsoDate, MaxLength, Required

#: "system:category" for the credit rows of the form
CREDIT_KINDS = [("", "—")] + [(f"{s}:{c}", f"{SYSTEMS[s]} {label}") for s, cats in CATEGORIES.items()
                              for c, label in cats.items()]
#: the rows on the form: units and several カリキュラムコード (1.5単位 + CC5, CC12, CC29…)
CREDIT_ROWS = MAX_CREDIT_ITEMS


class SessionForm(BaseForm):
    title = StringField("研修会名", validators=[Required(), MaxLength(100)], filters=[lambda v: (v or "").strip()])
    description = TextAreaField("内容", validators=[MaxLength(2000)])
    starts_on = StringField("開催日", validators=[Required(), IsoDate()], filters=[date_text])
    ends_on = StringField("終了日", validators=[IsoDate()], filters=[date_text])
    place = StringField("会場", validators=[Required(), MaxLength(100)], filters=[lambda v: (v or "").strip()])
    capacity = StringField("定員", validators=[Required()], filters=[halfwidth])
    #: the hours, fee, last day to apply and contact (each optional; the domain checks them)
    starts_at = StringField("開始時刻", filters=[halfwidth])
    ends_at = StringField("終了時刻", filters=[halfwidth])
    fee = StringField("参加費（円）", filters=[halfwidth])
    apply_by = StringField("申込締切", validators=[IsoDate()], filters=[date_text])
    contact = StringField("問合せ先", validators=[MaxLength(200)], filters=[lambda v: (v or "").strip()])
    #: 共催 (association codes); the view sets the choices, the domain checks them
    co_organisers = SelectMultipleField("共催", choices=[], validate_choice=False)
    specialist_common = BooleanField("日本専門医機構認定専門医共通講習として申請する")

    def body(self) -> dict:
        items = []
        for i in range(1, CREDIT_ROWS + 1):
            kind = getattr(self, f"credit_kind_{i}").data or ""
            credits = getattr(self, f"credits_{i}").data or ""
            if kind or credits:
                system, _, category = kind.partition(":")
                items.append({"system": system, "category": category, "credits": credits})
        return {"kind": "session", "title": self.title.data, "description": self.description.data or "",
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data or self.starts_on.data,
                "place": self.place.data, "capacity": self.capacity.data, "credit_items": items,
                "co_organisers": list(self.co_organisers.data or []),
                "specialist_common": bool(self.specialist_common.data),
                **{name: getattr(self, name).data or "" for name in ("starts_at", "ends_at", "fee", "apply_by",
                                                                     "contact")}}


for _row in range(1, CREDIT_ROWS + 1):  # credit_kind_1, credits_1, …
    setattr(SessionForm, f"credit_kind_{_row}", SelectField(f"単位の種類 {_row}", choices=CREDIT_KINDS,
                                                            validate_choice=False))
    setattr(SessionForm, f"credits_{_row}", StringField(f"単位数 {_row}", filters=[halfwidth]))


class ReportForm(BaseForm):
    """開催報告: the registrations ticked as attended (checkboxes, read from the request) and
    医籍登録番号 and フリガナ of walk-ins, one per line."""

    registry_numbers = TextAreaField("当日参加者の医籍登録番号とフリガナ（1行に1人、例: 123456 ニチイ タロウ）",
                                     filters=[halfwidth])


class SessionChangeForm(BaseForm):
    """The organiser's change of an approved session (title and credits stay as approved)."""

    place = StringField("会場", validators=[Required(), MaxLength(100)], filters=[lambda v: (v or "").strip()])
    starts_on = StringField("開催日", validators=[Required(), IsoDate()], filters=[date_text])
    ends_on = StringField("終了日", validators=[IsoDate()], filters=[date_text])
    capacity = StringField("定員", validators=[Required()], filters=[halfwidth])
    description = TextAreaField("内容", validators=[MaxLength(2000)])
    starts_at = StringField("開始時刻", filters=[halfwidth])
    ends_at = StringField("終了時刻", filters=[halfwidth])
    fee = StringField("参加費（円）", filters=[halfwidth])
    apply_by = StringField("申込締切", validators=[IsoDate()], filters=[date_text])
    contact = StringField("問合せ先", validators=[MaxLength(200)], filters=[lambda v: (v or "").strip()])


class CallOffForm(BaseForm):
    reason = StringField("中止の理由", validators=[Required(), MaxLength(200)], filters=[lambda v: (v or "").strip()])
