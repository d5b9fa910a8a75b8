from __future__ import annotations

from wtforms import PasswordField, StringField

from .base import BaseForm
from .normalise import halfwidth
from .validators import Required


class LoginForm(BaseForm):
    login_id = StringField("ログインID", validators=[Required()], filters=[halfwidth])
    password = PasswordField("パスワード", validators=[Required()])
