"""単位・認定: the lifelong-education declaration (生涯教育申告書) of self-studied credits."""

from __future__ import annotations

from wtforms import StringField

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
