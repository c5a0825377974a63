"""Team usage pages: whole groups only, at least MIN_GROUP_SIZE people, CSV that spreadsheets read safely."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

from tests.web.manager.test_summaries import minutes
from web.db import db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _seed(app) -> None:
    with app.app_context():
        db().add_all(minutes("erin", "facebook", "external-social", datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc), 30)
                     + minutes("bob", "forum", "internal-social", datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc), 12))
        db().commit()


def test_small_groups_are_too_few_people_to_show(app, client, auth):
    _seed(app)
    auth.login("carol")
    page = _text(client.get("/team/usage?group=marketing"))
    assert "Too few people to show" in page and "marketing has 2 people" in page
    assert "30" not in page.split("Too few people to show")[1]
    assert client.get("/team/usage.csv?group=marketing").status_code == 403


def test_a_large_enough_group_shows_its_week(app, client, auth):
    app.config["MIN_GROUP_SIZE"] = 2
    _seed(app)
    auth.login("carol")
    page = _text(client.get("/team/usage?group=marketing&week=2026-11-26"))
    assert "Week of 23 Nov 2026" in page and "2 people · 42 active minutes this week" in page
    assert "Facebook · 30 · · · · · 30" in page and "Company forum · · 12 · · · · 12" in page
    assert "Our community, week over week" in page
    html = client.get("/team/usage?group=marketing&week=2026-11-26").get_data(as_text=True)
    assert "<title>Tue: External social media 30 min</title>" in html


def test_the_csv_has_the_same_numbers(app, client, auth):
    app.config["MIN_GROUP_SIZE"] = 2
    _seed(app)
    auth.login("carol")
    response = client.get("/team/usage.csv?group=marketing&week=2026-11-23")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["group", "day", "kind", "name", "label", "value"]
    assert ["marketing", "2026-11-24", "site minutes", "facebook", "Facebook", "30"] in rows
    assert ["marketing", "2026-11-25", "category minutes", "internal-social", "Our community", "12"] in rows


def test_other_teams_and_employees_are_refused(app, client, auth):
    auth.login("carol")
    assert client.get("/team/usage?group=engineering").status_code == 403
    assert client.get("/team/usage.csv?group=engineering").status_code == 403
    auth.logout()
    auth.login("erin")
    assert client.get("/team/usage").status_code == 403


def test_a_bad_week_is_a_bad_request(client, auth):
    auth.login("carol")
    assert client.get("/team/usage?week=yesterday").status_code == 400
