"""Administration screens: member categories (an office's own), staff accounts, associations."""

from __future__ import annotations

from wtforms import StringField, TextAreaField

from membership import fields
from membership.associations import KINDS, code_rule
from membership.staff import STAFF_ROLES

from .base import BaseForm, LooseSelectField
from .normalise import halfwidth
from .validators import MaxLength, OneOf, Required, Rule


def _strip(value):
    return (value or "").strip()


class CategoryForm(BaseForm):
    """A new member category: its code (fixed for good), name and criteria."""

    code = StringField("区分コード", validators=[Required(), MaxLength(20)], filters=[halfwidth])
    label = StringField("区分名", validators=[Required(), MaxLength(100)], filters=[_strip])
    criteria = TextAreaField("区分の基準", validators=[MaxLength(1000)], filters=[_strip])


class CategoryEditForm(BaseForm):
    """Rewording a category (its code stays)."""

    label = StringField("区分名", validators=[Required(), MaxLength(100)], filters=[_strip])
    criteria = TextAreaField("区分の基準", validators=[MaxLength(1000)], filters=[_strip])


class StaffForm(BaseForm):
    """A staff account; the association only for a secretariat."""

    login_id = StringField("ログインID", validators=[Required(), Rule(fields.login_id)], filters=[halfwidth])
    name = StringField("表示名", validators=[Required(), MaxLength(100)], filters=[_strip])
    role = LooseSelectField("権限", choices=list(STAFF_ROLES.items()),
                            validators=[Required("choose"), OneOf(STAFF_ROLES, "choose_from_list")])
    association = LooseSelectField("所属医師会", choices=[])
    email = StringField("メールアドレス", validators=[Rule(fields.email)], filters=[_strip])


class AssociationEditForm(BaseForm):
    """What an association's page may change: names, contact, the municipalities it covers."""

    name = StringField("医師会名", validators=[Required(), MaxLength(100)], filters=[_strip])
    kana = StringField("医師会名（フリガナ）", validators=[Rule(lambda v: fields.kana(v, 200))], filters=[_strip])
    email = StringField("メールアドレス", validators=[Rule(fields.email)], filters=[_strip])
    tel = StringField("電話番号", validators=[Rule(fields.phone)], filters=[halfwidth])
    areas = TextAreaField("地区（市区町村）", validators=[MaxLength(2000)])


class AssociationForm(AssociationEditForm):
    """A new association: its code, kind (which sets the layer), parent and prefecture too."""

    code = StringField("医師会コード", validators=[Required(), Rule(code_rule)], filters=[halfwidth])
    kind = LooseSelectField("種別", choices=list(KINDS.items()),
                            validators=[Required("choose"), OneOf(KINDS, "choose_from_list")])
    parent = LooseSelectField("上位の医師会", choices=[])
    prefecture = LooseSelectField("都道府県", choices=[])
