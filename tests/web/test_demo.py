"""The demo company: three accounts to sign in with, and simulated usage made by the real engine."""
from __future__ import annotations

import stat
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

import policy
from storage.sign_in.accounts import authenticate
from storage.usage.tables import ActiveMinute, QuotaCharge
from web.db import db
from web.demo import is_seeded, seed_accounts, seed_usage
from web.manager.trend import community_trend
from web.policy_source import current_policy

SAMPLE = policy.load(Path(__file__).resolve().parents[2] / "rules")
NOW = datetime(2026, 11, 26, 16, 0, tzinfo=timezone.utc)  # a Thursday afternoon


def test_accounts_are_created_once_with_kept_private_passwords(app, tmp_path):
    with app.app_context():
        first = seed_accounts(db(), tmp_path)
        again = seed_accounts(db(), tmp_path)
        assert [(a.name, a.role) for a in first] == [("admin", "admin"), ("carol.schmitt", "manager"),
                                                   ("alice.krueger", "employee")]
        assert first == again
        assert all(authenticate(db(), a.name, a.password) for a in first)
    assert stat.S_IMODE((tmp_path / "demo-accounts.txt").stat().st_mode) == 0o600


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from web import create_app
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"DB": f"sqlite:///{folder / 'demo.db'}", "DATA": str(folder), "SECRET_KEY": "k",
                      "DB_SETUP": "create", "RULES": str(Path(__file__).resolve().parents[2] / "rules")})
    with app.app_context():
        stored = seed_usage(db(), SAMPLE, NOW)
    return app, stored


def test_usage_is_seeded_once_and_marked(seeded):
    app, stored = seeded
    with app.app_context():
        assert stored > 10_000 and is_seeded(db())
        assert seed_usage(db(), SAMPLE, NOW) == 0
        assert db().scalar(select(func.count()).select_from(ActiveMinute)) == stored
        assert db().scalar(select(func.max(ActiveMinute.minute))) <= NOW


def test_budgets_are_spent_as_the_engine_allows(seeded):
    app, _ = seeded
    with app.app_context():
        per_day = db().execute(select(QuotaCharge.user_name, QuotaCharge.rule, QuotaCharge.day, func.count())
                               .group_by(QuotaCharge.user_name, QuotaCharge.rule, QuotaCharge.day)).all()
    limits = {rule.name: rule.quota.minutes for rule in SAMPLE.doc.rules if rule.quota}
    assert per_day and all(count <= limits[rule] for _, rule, _, count in per_day)


def test_the_community_grows_week_over_week(seeded):
    app, _ = seeded
    with app.app_context():
        current_policy()   # the panel records the groups it loads: the demo's people belong from the start
        trend = community_trend(db(), SAMPLE, "staff", date(2026, 11, 16), minimum=5, weeks=6)
    minutes = [total for _, total in trend]
    assert minutes[-1] > minutes[0] * 1.3


def test_pages_say_the_usage_is_simulated(seeded):
    app, _ = seeded
    with app.app_context():
        (account,) = [a for a in seed_accounts(db(), Path(app.config["DATA"])) if a.role == "employee"]
    client = app.test_client()
    from tests.web.conftest import AuthActions
    AuthActions(client).login(account.name, account.password)
    assert "Demo: the usage in this panel is simulated" in client.get("/me/account").get_data(as_text=True)
