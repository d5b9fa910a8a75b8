"""Forms of the human tasks, by BPMN form key."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField

from .base import BaseForm, LooseRadioField
from .enrolment import DutyFields, EnrolmentInputForm, PrefixedMapField
from .normalise import date_text, halfwidth
from .validators import IsoDate, MaxLength, OneOf, Required
from .withdrawal import AmendWithdrawalForm

DECISION_CHOICES = [("approve", "承認"), ("return", "差戻し"), ("reject", "却下")]


class ReviewDecisionForm(BaseForm):
    """form_key `review_decision`."""

    decision = LooseRadioField("判断", choices=DECISION_CHOICES,
                               validators=[Required("choose"), OneOf(dict(DECISION_CHOICES), "unknown_decision")])
    comment = TextAreaField("コメント", validators=[MaxLength(1000)])


class AmendApplicationForm(EnrolmentInputForm):
    """form_key `amend_application`: the input step again, prefilled with the application, and the
    member category of each association still to decide."""

    category = PrefixedMapField("会員区分")
    comment = TextAreaField("医師会への連絡事項", validators=[MaxLength(1000)])


class AmendWithdrawalTaskForm(AmendWithdrawalForm):
    """form_key `amend_application` for a withdrawal: its date and reason again."""

    comment = TextAreaField("医師会への連絡事項", validators=[MaxLength(1000)])


class AmendTransferTaskForm(DutyFields):
    """form_key `amend_application` for a transfer: its effective date, new facility, duty and
    position again."""

    desired_date = StringField("異動年月日", validators=[Required(), IsoDate()], filters=[date_text])
    facility_q = StringField("施設の検索", filters=[lambda v: (v or "").strip()])
    facility_id = HiddenField("異動先の施設", validators=[Required("choose")], filters=[halfwidth])
    category = PrefixedMapField("会員区分")
    comment = TextAreaField("医師会への連絡事項", validators=[MaxLength(1000)])


class AmendCertificationTaskForm(BaseForm):
    """form_key `amend_application` for a certification: nothing to change here, a note only
    (the documents asked for go to the association)."""

    comment = TextAreaField("医師会への連絡事項", validators=[MaxLength(1000)])


FORMS = {"review_decision": ReviewDecisionForm, "amend_application": AmendApplicationForm}
#: the same form key, per application kind where the fields differ
KIND_FORMS = {("amend_application", "withdrawal"): AmendWithdrawalTaskForm,
              ("amend_application", "transfer"): AmendTransferTaskForm,
              ("amend_application", "certification"): AmendCertificationTaskForm,
              ("amend_application", "session"): AmendCertificationTaskForm,
              ("amend_application", "fee_reduction"): AmendCertificationTaskForm}
