"""Forms of the account screens: registration (利用者登録), first login, password reset, 登録情報.

The field rules live in `membership.fields` and are applied by the use cases, which name every
bad field at once; these forms carry CSRF and the fields' labels, and normalise nothing twice.
"""

from __future__ import annotations

from wtforms import BooleanField, FieldList, HiddenField, PasswordField, StringField

from membership.messages import label

from .base import BaseForm, LooseRadioField, LooseSelectField


def _l(name: str) -> str:
    return label(name, "ja")


class TermsForm(BaseForm):
    agree = BooleanField("利用規約に同意する")


class EmailTwiceForm(BaseForm):
    email = StringField(_l("email"))
    email_confirm = StringField(_l("email_confirm"))
    #: asked when a verified address is changed (not on the first login's step)
    current_password = PasswordField(_l("current_password"))


class CredentialsFields:
    login_id = StringField(_l("login_id"))
    password = PasswordField(_l("password"))
    password_confirm = PasswordField(_l("password_confirm"))


class ProfileFields:
    registry_number = StringField(_l("registry_number"))
    registry_date = StringField(_l("registry_date"))
    family_kana = StringField(_l("family_kana"))
    given_kana = StringField(_l("given_kana"))
    family_name = StringField(_l("family_name"))
    given_name = StringField(_l("given_name"))
    maiden_family_kana = StringField(_l("maiden_family_kana"))
    maiden_given_kana = StringField(_l("maiden_given_kana"))
    maiden_family_name = StringField(_l("maiden_family_name"))
    maiden_given_name = StringField(_l("maiden_given_name"))
    postal_code = StringField(_l("postal_code"))
    prefecture = LooseSelectField(_l("prefecture"))
    address = StringField(_l("address"))
    mobile = StringField(_l("mobile"))
    tel = StringField(_l("tel"))
    fax = StringField(_l("fax"))
    birth_date = StringField(_l("birth_date"))
    sex = LooseRadioField(_l("sex"))
    main_department = LooseSelectField(_l("main_department"))
    sub_department = LooseSelectField(_l("sub_department"))
    alma_mater = StringField(_l("alma_mater"))
    graduated_on = StringField(_l("graduated_on"))
    grad_school = StringField(_l("grad_school"))
    grad_completed_on = StringField(_l("grad_completed_on"))
    grad_faculty = StringField(_l("grad_faculty"))
    doctorate_on = StringField(_l("doctorate_on"))
    societies = FieldList(StringField(_l("societies")), min_entries=5, max_entries=10)

    def profile_data(self) -> dict:
        data = {name: getattr(self, name).data for name in PROFILE_FIELD_NAMES}
        data["societies"] = [v for v in self.societies.data if v and v.strip()]
        return data


PROFILE_FIELD_NAMES = [name for name in vars(ProfileFields) if not name.startswith("_")
                       and name not in ("profile_data", "societies")]


class RegistrationForm(BaseForm, CredentialsFields, ProfileFields):
    #: "confirm" shows the confirmation page, "register" stores, "back" returns to the form
    step = HiddenField(default="confirm")

    def data_for_use_case(self) -> dict:
        return {"login_id": self.login_id.data, "password": self.password.data,
                "password_confirm": self.password_confirm.data, **self.profile_data()}


class ProfileForm(BaseForm, ProfileFields):
    dispatch_to = LooseRadioField(_l("dispatch_to"))
    dispatch_stopped = BooleanField(_l("dispatch_stopped"))


class ChangeCredentialsForm(BaseForm, CredentialsFields):
    current_password = PasswordField(_l("current_password"))


class ForgotPasswordForm(BaseForm):
    login_id = StringField(_l("login_id"))
    email = StringField(_l("email"))


class ForgotLoginIdForm(BaseForm):
    email = StringField(_l("email"))


class ResetPasswordForm(BaseForm):
    password = PasswordField(_l("new_password"))
    password_confirm = PasswordField(_l("password_confirm"))
