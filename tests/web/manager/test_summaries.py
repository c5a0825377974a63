"""A team's week from the records: per site and category per day, hours in the policy's zone, attempts;
each number from at least the minimum of people, each person counted for the days they belonged."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import policy
from storage.usage.membership import record_groups
from storage.usage.tables import ActiveMinute, Attempt
from tests.web.conftest import RULES
from web.manager.summaries import team_week
from web.manager.trend import community_trend

POLICY = policy.load(RULES)
MONDAY = date(2026, 11, 23)
LONG_AGO = datetime(2026, 1, 1, tzinfo=timezone.utc)
SIX = ["erin", "bob", "mia", "noah", "olga", "paul"]


def minutes(user: str, site: str, category: str, start: datetime, count: int) -> list[ActiveMinute]:
    return [ActiveMinute(user_name=user, site=site, category=category, minute=start + timedelta(minutes=i),
                         day=(start + timedelta(minutes=i)).astimezone(POLICY.timezone).date())
            for i in range(count)]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def session(migrated_session):
    """Summaries group in the database: checked on SQLite and on PostgreSQL."""
    return migrated_session


def test_a_week_sums_the_group_only_by_site_category_and_local_hour(session):
    record_groups(session, {"marketing": {"bob", "erin"}, "engineering": {"frank"}}, LONG_AGO)
    session.add_all(minutes("erin", "facebook", "external-social", utc(2026, 11, 23, 11, 0), 20)   # Mon 12:00 Berlin
                    + minutes("erin", "facebook", "external-social", utc(2026, 11, 23, 13, 0), 5)  # Mon 14:00
                    + minutes("bob", "forum", "internal-social", utc(2026, 11, 26, 22, 50), 20)    # Thu 23:50 → Fri
                    + minutes("frank", "facebook", "external-social", utc(2026, 11, 23, 11, 0), 99)  # other team
                    + [Attempt(user_name="erin", site="facebook", rule="social-budget", day=date(2026, 11, 24),
                               kind="blocked", count=3),
                       Attempt(user_name="bob", site="youtube", rule="youtube-nudge", day=date(2026, 11, 24),
                               kind="warned", count=2)])
    session.commit()
    week = team_week(session, POLICY, "marketing", MONDAY, minimum=1)
    hidden = None
    assert week.by_site == {"facebook": [25, hidden, hidden, hidden, hidden, hidden, hidden],
                            "forum": [hidden, hidden, hidden, 10, 10, hidden, hidden]}
    assert week.by_category == {"external-social": [25, 0, 0, 0, 0, 0, 0], "internal-social": [0, 0, 0, 10, 10, 0, 0]}
    assert week.total == 45
    # The hours nobody used are hidden, so with them the smallest used hour: their sum is no one's zero.
    assert [(hour, value) for hour, value in enumerate(week.heat[0]) if value is not None] == [(12, 20)]
    assert week.heat[3] == [None] * 24 and week.heat[4] == [None] * 24
    assert (week.blocked[1], week.warned[1], week.runouts[1]) == (3, 2, 1)  # social-budget is a quota rule


def test_a_site_day_from_four_people_of_six_is_hidden_and_left_out_of_every_total(session):
    record_groups(session, {"marketing": set(SIX)}, LONG_AGO)
    tuesday_10 = utc(2026, 11, 24, 9, 0)
    for person, used in zip(SIX[:4], (7, 11, 13, 17), strict=True):   # 48 minutes of Facebook from 4 people
        session.add_all(minutes(person, "facebook", "external-social", tuesday_10 + timedelta(hours=3), used))
    for person in SIX[1:]:                                 # and on Wednesday 5 people, 6 minutes each
        session.add_all(minutes(person, "facebook", "external-social", tuesday_10 + timedelta(days=1), 6))
    for person in SIX:                                     # the forum: everyone, two hours
        session.add_all(minutes(person, "forum", "internal-social", tuesday_10, 10)
                        + minutes(person, "forum", "internal-social", tuesday_10 + timedelta(hours=1), 5))
    session.add_all(Attempt(user_name=person, site="facebook", rule="social-budget", day=date(2026, 11, 24),
                            kind="blocked", count=2) for person in SIX[:4])
    session.commit()
    week = team_week(session, POLICY, "marketing", MONDAY, minimum=5)
    assert week.by_site["facebook"][1:3] == [None, 30] and week.by_site["forum"][1] == 90
    assert week.by_category["external-social"][1] == 0 and week.by_category["internal-social"][1] == 90
    assert week.total == 120
    assert (week.blocked[1], week.runouts[1]) == (None, None)   # 4 people blocked: hidden too
    # Tuesday's hours add up to the shown 90 minutes: the hidden hours together come from 6 people.
    tuesday = week.heat[1]
    assert [value for value in tuesday if value is not None] == [60]
    assert sum(value for value in tuesday if value is not None) + 30 == week.by_category["internal-social"][1]
    assert 48 not in {value for row in week.heat for value in row if value is not None}


def test_usage_counts_in_a_group_only_on_the_days_its_person_belonged(session):
    record_groups(session, {"marketing": set(SIX)}, LONG_AGO)
    for person in SIX + ["frank"]:
        session.add_all(minutes(person, "forum", "internal-social", utc(2026, 11, 17, 9, 0), 6))   # last Tuesday
        session.add_all(minutes(person, "forum", "internal-social", utc(2026, 11, 27, 9, 0), 6))   # this Friday
    session.commit()
    last_week = team_week(session, POLICY, "marketing", date(2026, 11, 16), minimum=5)
    # Thursday 26 Nov: olga leaves marketing, frank joins it.
    record_groups(session, {"marketing": set(SIX) - {"olga"} | {"frank"}}, utc(2026, 11, 26, 9, 0))
    assert team_week(session, POLICY, "marketing", date(2026, 11, 16), minimum=5) == last_week
    assert last_week.by_site["forum"][1] == 36
    this_week = team_week(session, POLICY, "marketing", MONDAY, minimum=5)
    assert this_week.by_site["forum"][4] == 36 and this_week.people == 7   # frank from Friday, olga until Thursday


def test_the_community_trend_is_weekly_oldest_first_and_adds_up_shown_cells_only(session):
    record_groups(session, {"marketing": set(SIX)}, LONG_AGO)
    for person in SIX[:5]:
        session.add_all(minutes(person, "forum", "internal-social", utc(2026, 11, 16, 9, 0), 3)
                        + minutes(person, "forum", "internal-social", utc(2026, 11, 24, 9, 0), 5)
                        + minutes(person, "facebook", "external-social", utc(2026, 11, 24, 10, 0), 40))
    session.add_all(minutes("paul", "forum", "internal-social", utc(2026, 11, 25, 9, 0), 25))   # alone: hidden
    session.commit()
    trend = community_trend(session, POLICY, "marketing", MONDAY, minimum=5, weeks=3)
    assert trend == [(date(2026, 11, 9), 0), (date(2026, 11, 16), 15), (date(2026, 11, 23), 25)]
