"""The withdrawal screens (退会届): the choice, date and reason; the domain checks the rest."""

from __future__ import annotations

from wtforms import HiddenField, StringField

from .base import BaseForm, LooseRadioField
from .normalise import date_text
from .validators import IsoDate, Required

REASON_CHOICES = [("retirement", "廃業・退職"), ("death", "死亡"), ("other", "その他")]


class WithdrawalForm(BaseForm):
    """One field `leave` = "<group id>:<association code>": the lowest association left in a group
    (one group per application; the layers above follow)."""

    leave = LooseRadioField("退会する医師会", choices=[], validate_choice=False, validators=[Required("choose")])
    desired_date = StringField("退会希望年月日", validators=[Required(), IsoDate()], filters=[date_text])
    reason = LooseRadioField("退会事由", choices=REASON_CHOICES, validators=[Required("choose")])
    reason_text = StringField("退会事由（その他）", filters=[lambda v: (v or "").strip()])

    def body(self) -> dict:
        """The body of API.md, with the group named (the screen lists each group on its own)."""
        group_id, _, code = (self.leave.data or "").partition(":")
        return {"kind": "withdrawal", "group_id": group_id, "associations": [code] if code else [],
                "desired_date": self.desired_date.data, "reason": self.reason.data,
                "reason_text": self.reason_text.data or ""}


class AmendWithdrawalForm(BaseForm):
    """修正 while pending: the date and the reason."""

    desired_date = StringField("退会希望年月日", validators=[Required(), IsoDate()], filters=[date_text])
    reason = LooseRadioField("退会事由", choices=REASON_CHOICES, validators=[Required("choose")])
    reason_text = StringField("退会事由（その他）", filters=[lambda v: (v or "").strip()])
    application_id = HiddenField()
