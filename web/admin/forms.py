"""Forms admins use to create accounts, change them, reset their passwords and lift throttles."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

# SelectChoice is new in WTForms 3.3; the types-WTForms stubs (3.2) do not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Regexp

from storage.sign_in.accounts import NAME_PATTERN, ROLES
from web.auth.forms import new_password_field

ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]
NAME_RULE = "1 to 100 letters, digits, '.', '_', '-' or '@', starting with a letter or digit."


class NewAccountForm(FlaskForm):
    name = StringField("Account name (as in the rules' member lists)",
                       validators=[DataRequired(), Regexp(f"^{NAME_PATTERN.pattern}$", message=NAME_RULE)],
                       render_kw={"autocapitalize": "none", "autocomplete": "off"})
    role = SelectField("Role", choices=ROLE_CHOICES, default="employee")
    password = new_password_field("First password (its owner changes it at first sign-in)")


class AccountForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("May sign in")


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password (its owner changes it at first sign-in)")


class LiftThrottleForm(FlaskForm):
    """No fields: the CSRF token alone, for the admin's "Lift" button."""
