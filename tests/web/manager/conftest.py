"""A marketing team of six for the privacy tests, in a rules folder of its own that a test may edit,
on a database upgraded by the migrations: once on SQLite and once on PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from storage.sign_in.accounts import User
from storage.usage.membership import GroupMember
from storage.usage.tables import ActiveMinute, Attempt
from tests.support.net import poll
from tests.web.conftest import ACCOUNTS, RULES, THURSDAY_10, AuthActions
from web import create_app
from web.db import db

SIX = ["erin", "bob", "mia", "noah", "olga", "paul"]
MARKETING = "marketing: {members: [erin, bob], managers: [carol]}"
LAST_TUESDAY_10 = datetime(2026, 11, 17, 9, 0, tzinfo=timezone.utc)   # 10:00 in Berlin
FOUR_ON_FACEBOOK = {"erin": 7, "bob": 11, "mia": 13, "noah": 23}       # 54 minutes, 4 people: hidden
HIDDEN_MINUTES, HIDDEN_BLOCKED = 54, 12


def write_rules(folder: Path, marketing: list[str]) -> None:
    """The panel's test rules with marketing's members replaced (carol still manages it)."""
    text = (RULES / "policy.yaml").read_text()
    assert MARKETING in text
    folder.mkdir(exist_ok=True)
    (folder / "policy.yaml").write_text(
        text.replace(MARKETING, f"marketing: {{members: [{', '.join(marketing)}], managers: [carol]}}"))


@pytest.fixture
def team_rules(tmp_path) -> Path:
    folder = tmp_path / "team-rules"
    write_rules(folder, SIX)
    return folder


@pytest.fixture
def team_app(tmp_path, team_rules, db_url, password_hash) -> Flask:
    app = create_app({"TESTING": True, "DB": db_url, "DATA": str(tmp_path), "SECRET_KEY": "test secret",
                      "RULES": str(team_rules), "CLOCK": lambda: THURSDAY_10, "DB_SETUP": "upgrade"})
    with app.app_context():
        db().add_all(User(name=name, role=role, password_hash=password_hash, session_generation=1, active=True)
                     for name, role in ACCOUNTS.items())
        db().commit()
    return app


def used(person: str, site: str, category: str, start: datetime, count: int) -> list[ActiveMinute]:
    return [ActiveMinute(user_name=person, site=site, category=category, minute=start + timedelta(minutes=i),
                         day=(start + timedelta(minutes=i)).date()) for i in range(count)]


def seed_last_week(app: Flask) -> None:
    """Last week (16-22 Nov): a Facebook Tuesday of 4 people among figures of 5 and 6 people."""
    tuesday, wednesday = LAST_TUESDAY_10, LAST_TUESDAY_10 + timedelta(days=1)
    rows: list = []
    for person, minutes in FOUR_ON_FACEBOOK.items():
        rows += used(person, "facebook", "external-social", tuesday + timedelta(hours=3), minutes)
    for person in SIX:
        rows += used(person, "forum", "internal-social", tuesday, 10)
        rows += used(person, "forum", "internal-social", tuesday + timedelta(hours=1), 5)
        rows += used(person, "forum", "internal-social", tuesday + timedelta(hours=2), 3)
    for person in SIX[1:]:   # Wednesday: olga among 5 people on Facebook
        rows += used(person, "facebook", "external-social", wednesday, 6)
        rows.append(Attempt(user_name=person, site="facebook", rule="social-budget", day=wednesday.date(),
                            kind="blocked", count=2))
    rows += used("frank", "facebook", "external-social", wednesday, 40)   # engineering, for now
    rows += [Attempt(user_name=person, site="facebook", rule="social-budget", day=tuesday.date(), kind="blocked",
                     count=3) for person in FOUR_ON_FACEBOOK]
    with app.app_context():
        db().add_all(rows)
        db().commit()


def change_marketing(app: Flask, client, folder: Path, members: list[str]) -> None:
    """Edit the rules' marketing group and wait until the panel has loaded (and recorded) it."""
    write_rules(folder, members)

    def loaded() -> bool:
        client.get("/team/")   # any page that reads the policy
        with app.app_context():
            open_members = set(db().scalars(select(GroupMember.user_name).where(
                GroupMember.group_name == "marketing", GroupMember.left_at.is_(None))))
        return open_members == set(members)
    poll(loaded, timeout=15, interval=0.2, what="the panel to load the edited groups")


@pytest.fixture
def team_client(team_app):
    return team_app.test_client()


@pytest.fixture
def team_auth(team_client) -> AuthActions:
    return AuthActions(team_client)
