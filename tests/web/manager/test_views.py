"""Managers tune their own groups within the bounds: preview in words, save, audit; others refused."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.adjustments import Adjustment
from storage.usage.tables import QuotaCharge
from tests.support.cli_run import ROOT
from tests.web.conftest import AuthActions, csrf_token, make_app
from web.db import db

BUDGET = "social-budget/marketing"


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _post(client, step: str, key: str, **fields):
    """Post one tunable's form as the /team/ page shows it now (its CSRF token and version), with `fields`."""
    page = client.get("/team/").get_data(as_text=True)
    return client.post(f"/team/{step}", data=_form_data(page, key, fields))


def _form_data(page: str, key: str, fields: dict) -> dict:
    prefix = key.replace("/", "_")
    version = re.search(rf'name="{prefix}-version" type="hidden" value="([^"]*)"', page)
    return {"csrf_token": csrf_token(page), "tunable": key, f"{prefix}-version": version[1] if version else "none",
            **{f"{prefix}-{name}": value for name, value in fields.items()}}


def _adjustments(app) -> list[tuple]:
    with app.app_context():
        return [(a.rule, a.group_name, a.minutes, a.action) for a in db().scalars(select(Adjustment))]


def _charges(app, user: str, day: date, minutes: int) -> None:
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=timezone.utc)
    with app.app_context():
        db().add_all(QuotaCharge(user_name=user, rule="social-budget", minute=start + timedelta(minutes=i), day=day)
                     for i in range(minutes))
        db().commit()


def test_a_manager_sees_their_groups_values_and_bounds(client, auth):
    auth.login("carol")
    page = _text(client.get("/team/"))
    assert "marketing · social-budget" in page and "Now 30 minutes a day Bounds 0 to 90 minutes" in page
    assert "marketing · youtube-nudge" in page and "May become warn, allow, block" in page
    assert "engineering" not in page  # grace's team


def test_the_preview_says_it_in_words_and_counts_last_week(app, client, auth):
    app.config["MIN_GROUP_SIZE"] = 2
    _charges(app, "erin", date(2026, 11, 18), 30)   # last week: ran into the limit
    _charges(app, "bob", date(2026, 11, 19), 12)
    auth.login("carol")
    preview = _post(client, "preview", BUDGET, minutes="10")
    assert preview.status_code == 200
    page = _text(preview)
    assert "marketing: social-budget 30 → 10 minutes a day" in page
    assert "Last week this would have affected 2 people in marketing." in page
    raised = _text(_post(client, "preview", BUDGET, minutes="45"))   # only erin ran into the old limit
    assert "Last week this would have affected fewer than 2 people in marketing." in raised
    assert _adjustments(app) == []  # nothing saved yet


def test_small_groups_are_not_counted(client, auth):
    auth.login("carol")  # marketing has 2 people, the default minimum is 5
    page = _text(_post(client, "preview", BUDGET, minutes="45"))
    assert "Last week this would have affected fewer than 5 people in marketing." in page


def test_saving_changes_the_persons_limit_and_is_audited(app, client, auth):
    auth.login("carol")
    saved = _post(client, "apply", BUDGET, minutes="45")
    assert saved.status_code == 302
    assert "Saved: marketing: social-budget 30 → 45 minutes a day." in _text(client.get("/team/"))
    assert _adjustments(app) == [("social-budget", "marketing", 45, None)]
    erin = app.test_client()
    AuthActions(erin).login("erin")
    assert "Facebook Open · 45 of 45 min left today" in _text(erin.get("/me/"))
    with app.app_context():
        entry = db().scalars(select(AuditRecord).where(AuditRecord.action == "adjustment changed")).one()
        assert (entry.actor, entry.target, entry.before, entry.after) == ("carol", f"adjustment:{BUDGET}", None,
                                                                          {"minutes": 45})


def test_out_of_bounds_is_refused_with_the_bounds(app, client, auth):
    auth.login("carol")
    refused = _post(client, "preview", BUDGET, minutes="120")
    assert refused.status_code == 400
    assert "Not saved: 120 minutes is outside what rule social-budget allows (0 to 90 minutes)." in _text(refused)
    assert _post(client, "apply", BUDGET, minutes="120").status_code == 400
    assert _adjustments(app) == []


def test_another_teams_limits_are_refused_and_recorded(app, client, auth):
    auth.login("grace")
    refused = _post(client, "apply", BUDGET, minutes="90")
    missing = _post(client, "apply", "social-budget/no-such-group", minutes="90")
    assert refused.status_code == missing.status_code == 404 and _text(refused) == _text(missing)
    assert _adjustments(app) == []
    with app.app_context():
        entry = db().scalars(select(AuditRecord).where(AuditRecord.action == "refused")).one()
        assert (entry.actor, entry.target) == ("grace", f"adjustment:{BUDGET}")


def test_an_action_change_and_back_to_the_rules(app, client, auth):
    auth.login("carol")
    assert _post(client, "apply", "youtube-nudge/marketing", action="allow").status_code == 302
    erin = app.test_client()
    AuthActions(erin).login("erin")
    assert "YouTube Open" in _text(erin.get("/me/"))
    _post(client, "apply", "youtube-nudge/marketing", action="warn")  # what the rules say
    assert _adjustments(app) == []
    assert "YouTube Asks first" in _text(erin.get("/me/"))


def test_employees_have_no_team_page(client, auth):
    auth.login("erin")
    assert client.get("/team/").status_code == 403


def test_a_person_in_two_adjusted_groups_gets_the_more_generous_value(app, client, auth):
    """erin is in marketing and, through it, in staff: both adjusted, the higher budget counts."""
    auth.login("ada")  # admins may tune every group
    _post(client, "apply", BUDGET, minutes="45")
    _post(client, "apply", "social-budget/staff", minutes="20")
    erin = app.test_client()
    AuthActions(erin).login("erin")
    assert "Facebook Open · 45 of 45 min left today" in _text(erin.get("/me/"))
    _post(client, "apply", "social-budget/staff", minutes="60")
    assert "Facebook Open · 60 of 60 min left today" in _text(erin.get("/me/"))


def test_a_stale_adjustment_neither_blocks_nor_shows_in_another_teams_save(app, client, auth):
    """engineering's 120 minutes were saved before the admins narrowed the bound to 90."""
    with app.app_context():
        db().add(Adjustment(rule="social-budget", group_name="engineering", minutes=120, set_by="grace",
                            set_at=datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)))
        db().commit()
    auth.login("carol")
    preview = _post(client, "preview", BUDGET, minutes="45")
    saved = _post(client, "apply", BUDGET, minutes="45")
    assert preview.status_code == 200 and saved.status_code == 302
    for page in (preview, saved, client.get("/team/")):
        assert "120" not in page.get_data(as_text=True)
    assert ("social-budget", "marketing", 45, None) in _adjustments(app)

    grace = app.test_client()
    AuthActions(grace).login("grace")
    own = grace.get("/team/").get_data(as_text=True)
    assert ("The saved adjustment no longer fits the rules (120 minutes is outside what rule social-budget "
            "allows (0 to 90 minutes)), so the rules' value applies") in _text(grace.get("/team/"))
    minutes_field = re.search(r'<input[^>]*name="social-budget_engineering-minutes"[^>]*>', own)[0]
    assert 'value="30"' in minutes_field                            # the rules' value, the one in force
    frank = app.test_client()
    AuthActions(frank).login("frank")
    assert "30 of 30 min left today" in _text(frank.get("/me/"))     # what the proxy enforces too
    assert _post(grace, "apply", "social-budget/engineering", minutes="50").status_code == 302
    assert ("social-budget", "engineering", 50, None) in _adjustments(app)


def test_saving_again_says_what_was_saved(app, client, auth):
    auth.login("carol")
    assert _post(client, "apply", BUDGET, minutes="25").status_code == 302
    assert "Saved: marketing: social-budget 30 → 25 minutes a day." in _text(client.get("/team/"))
    assert _post(client, "apply", BUDGET, minutes="20").status_code == 302
    assert "Saved: marketing: social-budget 25 → 20 minutes a day." in _text(client.get("/team/"))
    assert _post(client, "apply", BUDGET, minutes="30").status_code == 302
    assert "Saved: marketing: social-budget 20 → 30 minutes a day (as the rules say)." in _text(client.get("/team/"))


def test_a_limit_an_earlier_rule_always_decides_is_flagged_with_that_rule(tmp_path, password_hash):
    company = make_app(tmp_path, password_hash, rules=ROOT / "rules")
    admin = company.test_client()
    AuthActions(admin).login("ada")
    page = _text(admin.get("/team/"))
    assert ("A change here does not take effect for communications: rule comms-runs-our-accounts comes first "
            "in the rules and decides their requests to these sites.") in page
    assert "does not take effect for marketing" not in page
    preview = _text(admin.post("/team/preview", data=_form_data(admin.get("/team/").get_data(as_text=True),
                                                                  "social-budget/communications", {"minutes": "20"})))
    assert "communications: social-budget 30 → 20 minutes a day" in preview
    assert "does not take effect for communications: rule comms-runs-our-accounts" in preview
