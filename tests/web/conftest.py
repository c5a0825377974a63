"""Panel fixtures in the flaskr style: `app` (own SQLite file, seeded accounts), `client`, `auth`."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from storage.sign_in.accounts import User, new_user
from web import create_app
from web.db import db

PASSWORD = "correct horse battery"
# carol manages marketing (erin's team), grace manages engineering (frank's team); see panel_rules/.
ACCOUNTS = {"ada": "admin", "carol": "manager", "grace": "manager", "erin": "employee", "frank": "employee"}
RULES = Path(__file__).parent / "panel_rules"
# A Thursday morning at work in the test policy's zone: facebook on its budget, lunch at 12:00.
THURSDAY_10 = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form in a page, as a browser would submit it."""
    found = CSRF_FIELD.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2id hash of PASSWORD, reused: hashing is slow on purpose."""
    return new_user("seed", "employee", PASSWORD).password_hash


@pytest.fixture
def app(tmp_path, password_hash) -> Flask:
    return make_app(tmp_path, password_hash)


def make_app(tmp_path: Path, password_hash: str, db_url: str | None = None, rules: Path = RULES) -> Flask:
    """The test panel with the seeded accounts, on SQLite in `tmp_path` unless `db_url` names another database."""
    app = create_app({
        "TESTING": True,
        "DB": db_url or f"sqlite:///{tmp_path / 'panel.db'}",
        "DATA": str(tmp_path),
        "SECRET_KEY": "test secret",
        "RULES": str(rules),
        "CLOCK": lambda: THURSDAY_10,
        "DB_SETUP": "create",
    })
    with app.app_context():
        for name, role in ACCOUNTS.items():
            db().add(User(name=name, role=role, password_hash=password_hash, session_generation=1, active=True))
        db().commit()
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, name: str = "erin", password: str = PASSWORD, next_url: str | None = None):
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        token = csrf_token(self.client.get("/auth/login").get_data(as_text=True))
        return self.client.post(url, data={"name": name, "password": password, "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client.get("/me/account").get_data(as_text=True))
        return self.client.post("/auth/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def post_form(client: FlaskClient, page: str, data: dict, action: str | None = None):
    """Open `page`, take its form's CSRF token, and post `data` to `action` (default: the page)."""
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action or page, data={**data, "csrf_token": token})


DIRECTORY_RULES = """
version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social}
sites:
  facebook: {category: social, domains: [facebook.com]}
groups:
  sales: {directory: "cn=sales,ou=groups,dc=northwind,dc=example", managers: [noah.fischer]}
rules:
  - {name: sales-budget, who: [group:sales], sites: [facebook], action: quota, quota: {minutes: 30, per: day}}
"""


@pytest.fixture
def directory_app(tmp_path, slapd, password_hash) -> Flask:
    """The test panel with the slapd fixture's directory settings, seeded accounts and a first sync."""
    from storage.directory.settings import from_environ
    from storage.directory.sync import sync_once
    from web.db import engine

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "main.yaml").write_text(DIRECTORY_RULES, encoding="utf-8")
    directory = {key.removeprefix("WATERCOOLER_"): value for key, value in slapd.env().items()}
    app = create_app({"TESTING": True, "DB": f"sqlite:///{tmp_path / 'panel.db'}", "DATA": str(tmp_path),
                      "SECRET_KEY": "test secret", "RULES": str(tmp_path / "rules"), "CLOCK": lambda: THURSDAY_10,
                      "DB_SETUP": "create", "LOGIN_MAX_FAILURES": 3, **directory})
    with app.app_context():
        for name, role in ACCOUNTS.items():
            db().add(User(name=name, role=role, password_hash=password_hash, session_generation=1, active=True))
        db().commit()
        sync_once(from_environ(slapd.env()), engine())
    return app
