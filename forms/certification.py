"""単位・認定: the lifelong-education declaration (生涯教育申告書) of self-studied credits and the
かかりつけ医機能研修 実地研修 activity report."""

from __future__ import annotations

from wtforms import SelectField, StringField

from membership.certifications import ACTIVITIES, CATEGORIES, CERTIFIED, SYSTEMS

from .base import BaseForm, LooseRadioField
from .normalise import date_text, halfwidth
from .validators import IsoDate, MaxLength, OneOf, Required

DECLARED_CATEGORIES = [("lecture", "講義・講演"), ("other", "その他（自己学習）")]


class DeclarationForm(BaseForm):
    """One self-declared item: when, what, which kind, how many credits (0.5 steps)."""

    earned_on = StringField("学習日", validators=[Required(), IsoDate()], filters=[date_text])
    category = LooseRadioField("学習の種類", choices=DECLARED_CATEGORIES,
                               validators=[Required("choose"), OneOf(dict(DECLARED_CATEGORIES), "choose_from_list")])
    title = StringField("学習内容", validators=[Required(), MaxLength(100)], filters=[lambda v: (v or "").strip()])
    credits = StringField("単位数", validators=[Required()], filters=[halfwidth])


class ActivityForm(BaseForm):
    """かかりつけ医機能研修 実地研修: one activity done on a day (its credits are fixed)."""

    earned_on = StringField("活動日", validators=[Required(), IsoDate()], filters=[date_text])
    activity = LooseRadioField("活動", choices=list(ACTIVITIES.items()),
                               validators=[Required("choose"), OneOf(ACTIVITIES, "choose_from_list")])
    detail = StringField("活動の内容", validators=[Required(), MaxLength(100)], filters=[lambda v: (v or "").strip()])


#: "system:category" of the systems a physician is certified in (an office enters those from paper)
ENTRY_KINDS = [(f"{s}:{c}", f"{SYSTEMS[s]} {label}") for s in CERTIFIED for c, label in CATEGORIES[s].items()]


class CreditEntryForm(BaseForm):
    """手帳単位の入力: credits an office enters for a member from paper (産業医手帳, 修了証)."""

    kind = SelectField("単位の区分", choices=ENTRY_KINDS, validate_choice=False,
                       validators=[Required("choose"), OneOf(dict(ENTRY_KINDS), "choose_from_list")])
    credits = StringField("単位数", validators=[Required()], filters=[halfwidth])
    earned_on = StringField("取得日", validators=[Required(), IsoDate()], filters=[date_text])
    note = StringField("内容（研修会名・手帳の記載など）", validators=[Required(), MaxLength(100)],
                       filters=[lambda v: (v or "").strip()])
