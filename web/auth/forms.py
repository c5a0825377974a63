"""Sign-in, sign-out and password forms (each carries a CSRF token through Flask-WTF)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from storage.accounts import MAX_PASSWORD, MIN_PASSWORD

PASSWORD_RULE = f"A password needs at least {MIN_PASSWORD} characters (and at most {MAX_PASSWORD})."


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
    new = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=PASSWORD_RULE)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("New password again",
                            validators=[DataRequired(), EqualTo("new", message="The two new passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
