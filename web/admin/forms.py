"""Forms admins use to create accounts, change them and reset their passwords."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from storage.accounts import MAX_PASSWORD, MIN_PASSWORD, NAME_PATTERN, ROLES
from web.auth.forms import PASSWORD_RULE

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
NAME_RULE = "1 to 100 letters, digits, '.', '_', '-' or '@', starting with a letter or digit."


def _password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_RULE)],
                         render_kw={"autocomplete": "new-password"})


class NewAccountForm(FlaskForm):
    name = StringField("Account name (as in the rules' member lists)",
                       validators=[DataRequired(), Regexp(f"^{NAME_PATTERN.pattern}$", message=NAME_RULE)],
                       render_kw={"autocapitalize": "none", "autocomplete": "off"})
    role = SelectField("Role", choices=ROLE_CHOICES, default="employee")
    password = _password_field("First password")


class AccountForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("May sign in")


class ResetPasswordForm(FlaskForm):
    password = _password_field("New password")
