"""The employee's page as they see it: what is open now, until when, their budget, their week."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from storage.usage.tables import ActiveMinute, QuotaCharge
from web.db import db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_employees_land_on_what_they_can_use(client, auth):
    auth.login("erin")
    assert client.get("/").headers["Location"] == "/me/"
    page = _text(client.get("/me/"))
    assert "What you can use right now" in page
    assert "As of Thursday 10:00 (Europe/Berlin) · your groups: marketing, staff" in page
    assert page.index("Company forum") < page.index("Facebook")  # the community first
    assert "Facebook Open · 30 of 30 min left today until today at 12:00" in page
    assert "LinkedIn Reading only" in page and "YouTube Asks first" in page
    assert "No social media minutes recorded this week." in page


def test_the_budget_and_the_week_come_from_the_proxys_records(app, client, auth):
    start = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
    with app.app_context():
        for i in range(25):
            minute = start + timedelta(minutes=i)
            db().add(QuotaCharge(user_name="erin", rule="social-budget", minute=minute, day=date(2026, 11, 26)))
            db().add(ActiveMinute(user_name="erin", site="facebook", category="external-social", minute=minute,
                                  day=date(2026, 11, 26)))
        db().commit()
    auth.login("erin")
    page = _text(client.get("/me/"))
    assert "Facebook Open · 5 of 30 min left today" in page
    assert "Facebook · · · 25 · · · 25 min" in page


def test_the_page_follows_the_clock(app, client, auth):
    auth.login("erin")
    app.config["CLOCK"] = lambda: datetime(2026, 11, 26, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    assert "Facebook Open until today at 13:00" in _text(client.get("/me/"))


def test_a_broken_policy_folder_is_a_friendly_page(app, client, auth, tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.yaml").write_text("version: 1\nsites: [\n")
    from web.policy_source import EXTENSION, PolicySource
    app.extensions[EXTENSION] = PolicySource(tmp_path / "rules")
    auth.login("erin")
    response = client.get("/me/")
    assert response.status_code == 503
    assert "Your policy is being updated" in response.get_data(as_text=True)
    assert "bad.yaml" not in response.get_data(as_text=True)  # details are for admins


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/me/").headers["Location"].startswith("/auth/login")


def test_a_budget_shared_by_many_sites_is_shown_once(tmp_path, password_hash):
    from storage.sign_in.accounts import User
    from tests.support.cli_run import RULES
    from tests.web.conftest import PASSWORD, make_app

    app = make_app(tmp_path, password_hash, rules=RULES)     # the sample company: one social budget
    start = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)
    with app.app_context():
        db().add(User(name="alice.krueger", role="employee", password_hash=password_hash, session_generation=1,
                      active=True))
        db().add_all(QuotaCharge(user_name="alice.krueger", rule="social-budget", minute=start + timedelta(minutes=i),
                                 day=date(2026, 11, 26)) for i in range(24))
        db().commit()
    client = app.test_client()
    from tests.web.conftest import AuthActions
    AuthActions(client).login("alice.krueger", PASSWORD)
    page = _text(client.get("/me/"))
    line = "External social media budget: 6 of 30 min left today, shared by Facebook, Instagram, … (10 sites)"
    assert page.count(line) == 1
    assert page.count("6 of 30 min left") == 1                 # not once per site
    assert "Instagram Open · on the External social media budget" in page
    assert "<meter" in client.get("/me/").get_data(as_text=True)
    assert client.get("/me/").get_data(as_text=True).count("<meter min=\"0\" max=\"30\"") == 1


def test_a_used_up_budget_says_when_the_site_next_opens_to_this_person(app, client, auth):
    start = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)
    with app.app_context():
        db().add_all(QuotaCharge(user_name="erin", rule="social-budget", minute=start + timedelta(minutes=i),
                                 day=date(2026, 11, 26)) for i in range(30))
        db().commit()
    auth.login("erin")
    page = _text(client.get("/me/"))
    assert "Facebook Closed opens today at 12:00 30 of 30 You have used your 30 minutes of Facebook for today" in page
    assert "Open to you: Mon–Fri 12:00–13:00; at other times within your budget of 30 minutes a day." in page
    assert "Thirty minutes a day; lunch doesn't count." in page.replace("&#39;", "'")
