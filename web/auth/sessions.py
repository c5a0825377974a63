"""Flask-Login wiring: a session names the account *and* its session generation.

The id Flask-Login keeps in the cookie is "ACCOUNT-ID:GENERATION". Signing out, changing or
resetting the password and disabling the account raise the account's generation, so every cookie
issued before — including copies — no longer loads an account and is treated as signed out.
"""
from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

from storage.sign_in.accounts import User
from web.db import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    account_id, _, generation = session_id.partition(":")
    if not (account_id.isdigit() and generation.isdigit()):
        return None
    user = db().get(User, int(account_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
