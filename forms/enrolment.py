"""The enrolment wizard (入会届): 1 choose associations → 2 input → 3 confirm."""

from __future__ import annotations

from wtforms import BooleanField, Field, HiddenField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from membership.reference import DESIGNATIONS, DUTY_CODES, POSITIONS

from .base import BaseForm, LooseRadioField, LooseSelectField
from .normalise import date_text, halfwidth
from .validators import IsoDate, MaxLength, OneOf, Required, RequiredUnless


class PrefixedMapField(Field):
    """Collects every submitted key `<name>-<suffix>` into {suffix: value} (a category per row)."""

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = dict(data or {})
        if formdata is not None:
            prefix = f"{self.name}-"
            self.data = {k[len(prefix):]: v for k, v in formdata.items() if k.startswith(prefix) and v}


class ChooseAssociationsForm(BaseForm):
    """Step 1. One association per layer; each chosen one needs its member category."""

    layer4 = LooseRadioField("地区医師会", choices=[], validate_choice=False)
    layer3 = LooseRadioField("郡市区等医師会", choices=[], validate_choice=False)
    join_prefecture = BooleanField("都道府県医師会に入会する")
    join_jma = BooleanField("日本医師会に入会する")
    category = PrefixedMapField("会員区分")

    def chosen(self, prefecture_code: str | None, jma_code: str | None) -> list[dict]:
        codes = [c for c in (self.layer4.data, self.layer3.data) if c and c != "none"]
        if self.join_prefecture.data and prefecture_code:
            codes.append(prefecture_code)
        if self.join_jma.data and jma_code:
            codes.append(jma_code)
        return [{"code": c, "category": self.category.data.get(c, "")} for c in codes]


class DutyFields(BaseForm):
    """The duty at the facility (施設・業務, one code) and the position, asked by an enrolment and
    by a transfer (the new facility's)."""

    duty_code = LooseRadioField("施設・業務", choices=[(k, f"{k} {v[1]}") for k, v in DUTY_CODES.items()],
                                validators=[RequiredUnless("facility_id", "home", "choose"),
                                            OneOf(DUTY_CODES, "unknown_duty")])
    position = LooseSelectField("役職", choices=[("", "役職を選択してください")] + [(p, p) for p in POSITIONS],
                                validators=[OneOf(POSITIONS, "unknown_position")])


class TransferForm(ChooseAssociationsForm, DutyFields):
    """The transfer form's checked fields: the new associations with categories, and the duty and
    position at the new facility (the group, facility and date are the domain's to check)."""

    #: read here only so that the duty is not asked of a move to 自宅会員 (RequiredUnless)
    facility_id = StringField("異動先の施設")


class EnrolmentInputForm(DutyFields):
    """Step 2."""

    desired_date = StringField("入会希望年月日", validators=[Required(), IsoDate()], filters=[date_text])
    facility_q = StringField("所属施設の検索", filters=[lambda v: (v or "").strip()])
    facility_id = HiddenField("所属施設", validators=[Required("choose")], filters=[halfwidth])
    facility_name = StringField("未定、もしくは一覧に登録のない施設名", validators=[MaxLength(50)],
                                filters=[lambda v: (v or "").strip()])
    designations = SelectMultipleField("指定医", choices=[(d, d) for d in DESIGNATIONS], validate_choice=False,
                                       validators=[OneOf(DESIGNATIONS, "choose_from_list")],
                                       widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class ConfirmForm(BaseForm):
    """Step 3: only the CSRF token; the data is what steps 1 and 2 kept in the session."""
