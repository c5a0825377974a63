"""Team usage pages as a curious manager reads them: whole groups only, each number from at least
MIN_GROUP_SIZE people, nothing hidden that subtraction gives back, past weeks unchanged by edits of the
groups, every view audited; CSV that spreadsheets read safely."""
from __future__ import annotations

import csv
import html as markup
import io
import itertools
import re
from datetime import datetime, timezone

from sqlalchemy import select

from storage.audit import AuditRecord
from tests.web.manager.conftest import HIDDEN_BLOCKED, HIDDEN_MINUTES, SIX, change_marketing, seed_last_week, used
from web.db import db

LAST_WEEK = "2026-11-16"


def _text(response) -> str:
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def _numbers_on_page(html: str) -> list[int]:
    """Every figure a reader can take from the page: table cells, chart titles, the headline."""
    cells = re.findall(r"<td[^>]*>(?:<strong>)?(\d+)(?:</strong>)?</td>", html)
    titles = re.findall(r"<title>[^<]*?(\d+) min</title>", html)
    headline = re.findall(r"(\d+) active minutes this week", html)
    return [int(n) for n in cells + titles + headline]


def _derivable(numbers: list[int]) -> set[int]:
    """What a reader gets from the figures by subtracting up to two of them from a third."""
    found = set(numbers)
    found |= {a - b for a, b in itertools.permutations(numbers, 2)}
    found |= {a - b - c for a, b, c in itertools.permutations(numbers, 3)}
    return found


def test_small_groups_are_too_few_people_to_show(app, client, auth):
    auth.login("carol")
    page = _text(client.get("/team/usage?group=marketing"))
    assert "Too few people to show" in page and "marketing has 2 people" in page
    assert client.get("/team/usage.csv?group=marketing").status_code == 403


def test_a_site_day_of_four_people_is_hidden_and_nothing_on_the_page_gives_it_back(team_app, team_auth, team_client):
    seed_last_week(team_app)
    team_auth.login("carol")
    response = team_client.get(f"/team/usage?group=marketing&week={LAST_WEEK}")
    page, html = _text(response), response.get_data(as_text=True)
    assert "6 people · 138 active minutes this week" in page
    assert "Facebook <5 <5 30 <5 <5 <5 <5 30" in page        # Tuesday: 4 people; Wednesday: 5
    assert "Company forum <5 108 <5 <5 <5 <5 <5 108" in page
    assert 'title="fewer than 5 people">&lt;5</td>' in html
    assert "Blocked attempts <5 <5 10 <5 <5 <5 <5 10" in page
    assert "People out of budget <5 <5 5 <5 <5 <5 <5 5" in page
    numbers = _numbers_on_page(html)
    assert HIDDEN_MINUTES not in _derivable(numbers) and HIDDEN_BLOCKED not in _derivable(numbers)
    # The heat map's Tuesday adds up to the shown 108 only with its hidden hours, which hold 6 people.
    tuesday = [int(n) for n in re.findall(r"<title>Tue \d\d:00–\d\d:59: (\d+) min</title>", html)]
    assert tuesday == [60, 30] and "Tue 12:00–12:59: fewer than 5 people" in html


def test_the_csv_hides_the_same_cells_and_adds_up_shown_ones_only(team_app, team_auth, team_client):
    seed_last_week(team_app)
    team_auth.login("carol")
    rows = _csv(team_client.get(f"/team/usage.csv?group=marketing&week={LAST_WEEK}"))
    assert rows[0] == ["group", "day", "kind", "name", "label", "value"]
    assert ["marketing", "2026-11-17", "site minutes", "facebook", "Facebook", "fewer than 5 people"] in rows
    assert ["marketing", "2026-11-18", "site minutes", "facebook", "Facebook", "30"] in rows
    assert ["marketing", "2026-11-17", "category minutes", "external-social", "External social media", "0"] in rows
    assert ["marketing", "2026-11-17", "blocked attempts", "", "", "fewer than 5 people"] in rows
    numbers = [int(row[5]) for row in rows[1:] if row[5].isdigit()]
    assert HIDDEN_MINUTES not in _derivable(numbers) and HIDDEN_BLOCKED not in _derivable(numbers)


def test_editing_the_groups_between_two_downloads_of_a_past_week_changes_no_number(team_app, team_rules, team_auth,
                                                                                   team_client):
    seed_last_week(team_app)
    team_auth.login("carol")
    url = f"/team/usage.csv?group=marketing&week={LAST_WEEK}"
    before = _csv(team_client.get(url))
    # olga leaves marketing; frank, who used Facebook for 40 minutes last Wednesday, joins it.
    change_marketing(team_app, team_client, team_rules, [person for person in SIX if person != "olga"] + ["frank"])
    assert _csv(team_client.get(url)) == before
    change_marketing(team_app, team_client, team_rules, SIX[:4])   # and then down to four people
    assert team_client.get(url).status_code == 403
    page = _text(team_client.get(f"/team/usage?group=marketing&week={LAST_WEEK}"))
    assert "Too few people to show" in page and "marketing has 4 people" in page


def test_page_views_and_downloads_are_in_the_audit_trail(team_app, team_auth, team_client):
    team_auth.login("carol")
    team_client.get(f"/team/usage?group=marketing&week={LAST_WEEK}")
    team_client.get("/team/usage.csv?group=marketing&week=2026-11-25")
    with team_app.app_context():
        found = [(r.actor, r.action, r.target, r.after, r.source) for r in db().scalars(
            select(AuditRecord).where(AuditRecord.action == "team usage viewed").order_by(AuditRecord.id))]
    viewed = ("carol", "team usage viewed", "group:marketing")
    assert found == [(*viewed, {"week": LAST_WEEK, "as": "page"}, "127.0.0.1"),
                     (*viewed, {"week": "2026-11-23", "as": "csv"}, "127.0.0.1")]
    team_auth.logout()
    team_auth.login("ada")
    assert "team usage viewed" in _text(team_client.get("/admin/audit"))


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


def test_this_week_is_compared_with_the_same_days_of_the_weeks_before(team_app, team_auth, team_client):
    rows = []
    for person in SIX:
        rows += used(person, "forum", "internal-social", datetime(2026, 11, 16, 9, tzinfo=timezone.utc), 10)  # last Mon
        rows += used(person, "forum", "internal-social", datetime(2026, 11, 20, 9, tzinfo=timezone.utc), 30)  # last Fri
        rows += used(person, "forum", "internal-social", datetime(2026, 11, 23, 9, tzinfo=timezone.utc), 10)  # this Mon
    with team_app.app_context():
        db().add_all(rows)
        db().commit()
    team_auth.login("carol")
    page = _text(team_client.get("/team/usage?group=marketing"))        # the clock says Thursday 26 Nov
    assert "Week of 23 Nov 2026" in page and "Next week" not in page   # no link into the future
    assert "60 active minutes this week so far (Monday to Thu)" in page
    assert "every week counts Monday to Thu only" in page
    assert "16 Nov 60 — 23 Nov 60 +0 %" in page                          # not 240 → 60, "-75 %"
    assert "0 min" in page and "min in an hour" in page                  # the heat map's scale
    past = _text(team_client.get(f"/team/usage?group=marketing&week={LAST_WEEK}"))
    assert "Next week →" in past and "so far" not in past


def test_an_empty_week_says_why(team_app, team_auth, team_client):
    team_auth.login("carol")
    future = _text(team_client.get("/team/usage?group=marketing&week=2026-12-07"))
    assert "No minutes this week This week has not begun yet." in future
    quiet = _text(team_client.get("/team/usage?group=marketing&week=2026-11-09"))
    assert "Nobody in marketing used a social site this week" in quiet
    old = _text(team_client.get("/team/usage?group=marketing&week=2026-06-01"))
    assert "Usage is kept for 90 days and then deleted" in old


def test_editing_the_groups_today_changes_no_number_of_this_week_either(team_app, team_rules, team_auth, team_client):
    """Someone who leaves at 10:00 still counts for today, someone who joins counts from tomorrow:
    two downloads of the week under way, either side of the edit, are the same file."""
    rows = []
    for day in (23, 24, 25, 26):   # this week, Monday to today (Thursday)
        for person in [*SIX, "frank"]:
            rows += used(person, "forum", "internal-social", datetime(2026, 11, day, 7, tzinfo=timezone.utc),
                         {"olga": 7, "frank": 11}.get(person, 3))
    with team_app.app_context():
        db().add_all(rows)
        db().commit()
    team_auth.login("carol")
    url = "/team/usage.csv?group=marketing&week=2026-11-23"
    before = _csv(team_client.get(url))
    assert ["marketing", "2026-11-26", "site minutes", "forum", "Company forum", "22"] in before   # 5 × 3 + olga's 7
    change_marketing(team_app, team_client, team_rules, [person for person in SIX if person != "olga"] + ["frank"])
    assert _csv(team_client.get(url)) == before
