"""Sign-in, sign-out and password forms (each carries a CSRF token through Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from storage.sign_in.passwords import MAX_PASSWORD, RULE, check_password_rules

PASSWORD_RULE = RULE


class PasswordRules:
    """The password policy (storage/sign_in/passwords.py) as a form validator. The account's name comes from
    the form's `name` field, or from `form.account_name` set by the view."""

    def __call__(self, form, field) -> None:
        name = getattr(form, "account_name", None) or form.data.get("name")
        try:
            check_password_rules(field.data or "", name)
        except ValueError as exc:
            raise ValidationError(f"{PASSWORD_RULE} This one: {exc}.") from None


def new_password_field(label: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(), PasswordRules()],
                         render_kw={"autocomplete": "new-password"})


class SignInForm(FlaskForm):
    name = StringField("Account name", validators=[DataRequired(), Length(max=100)],
                       render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                             render_kw={"autocomplete": "current-password"})


class SignOutForm(FlaskForm):
    """No fields: only the CSRF token, so another site cannot sign people out."""


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD)],
                            render_kw={"autocomplete": "current-password"})
    new = new_password_field("New password")
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new", message="The two new passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
