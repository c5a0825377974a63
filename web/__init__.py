"""The panel: a Flask application for admins, managers and employees.

`create_app(config)` builds it from layered settings (see `web.config`); `flask --app web run` and
`watercooler panel` both use it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFProtect

from web import cookies, db, directory, errors, headers, overrides, policy_source
from web.auth import sessions
from web.auth.forms import SignOutForm
from web.config import load_config
from web.demo_notice import demo_data
from web.notify.settings import check_settings
from web.requests import pending

csrf = CSRFProtect()  # every POST, PUT, PATCH and DELETE needs the form's token


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    load_config(app, config)
    check_settings(app.config)   # SettingsError: one sentence naming each bad setting
    cookies.init_app(app)
    headers.init_app(app)
    db.init_app(app)
    directory.init_app(app)
    policy_source.init_app(app)
    overrides.init_app(app)
    sessions.init_app(app)
    csrf.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    pending.init_app(app)

    @app.get("/")
    @login_required
    def home():
        if pending.pending_count(current_user):  # managers with requests waiting land on them
            return redirect(url_for("requests.inbox"))
        if current_user.role == "admin":
            return redirect(url_for("admin.accounts"))
        return redirect(url_for("me.index"))

    @app.context_processor
    def layout_values() -> dict:
        signed_in = current_user.is_authenticated
        # formdata=None: the sign-out button never reads the posted body (which may be over the limit)
        return {"sign_out_form": SignOutForm(formdata=None) if signed_in else None,
                "demo_data": signed_in and demo_data()}

    return app


def _register_blueprints(app: Flask) -> None:
    from web.admin import bp as admin
    from web.auth import bp as auth
    from web.device_setup import bp as device_setup
    from web.devices import bp as devices
    from web.manager import bp as manager
    from web.me import bp as me
    from web.requests import bp as requests

    for blueprint in (auth, admin, devices, device_setup, manager, me, requests):
        app.register_blueprint(blueprint)
