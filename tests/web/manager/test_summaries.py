"""A team's week from the records: per site and category per day, hours in the policy's zone, attempts."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import policy
from storage.usage import ActiveMinute, Attempt
from tests.support.databases import db_url, migrated_session, pg_database, usage_engine  # noqa: F401  (fixtures)
from tests.web.conftest import RULES
from web.manager.summaries import team_week
from web.manager.trend import community_trend

POLICY = policy.load(RULES)
MONDAY = date(2026, 11, 23)


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
    session.add_all(minutes("erin", "facebook", "external-social", utc(2026, 11, 23, 11, 0), 20)   # Mon 12:00 Berlin
                    + minutes("bob", "forum", "internal-social", utc(2026, 11, 26, 22, 50), 20)    # Thu 23:50 → Fri
                    + minutes("frank", "facebook", "external-social", utc(2026, 11, 23, 11, 0), 99)  # other team
                    + [Attempt(user_name="erin", site="facebook", rule="social-budget", day=date(2026, 11, 24),
                               kind="blocked", count=3),
                       Attempt(user_name="bob", site="youtube", rule="youtube-nudge", day=date(2026, 11, 24),
                               kind="warned", count=2)])
    session.commit()
    week = team_week(session, POLICY, ["bob", "erin"], MONDAY)
    assert week.by_site == {"facebook": [20, 0, 0, 0, 0, 0, 0], "forum": [0, 0, 0, 10, 10, 0, 0]}
    assert week.by_category == {"external-social": [20, 0, 0, 0, 0, 0, 0], "internal-social": [0, 0, 0, 10, 10, 0, 0]}
    assert week.heat[0][12] == 20 and week.heat[3][23] == 10 and week.heat[4][0] == 10
    assert sum(map(sum, week.heat)) == week.total == 40
    assert (week.blocked[1], week.warned[1], week.runouts[1]) == (3, 2, 1)  # social-budget is a quota rule


def test_the_community_trend_is_weekly_and_oldest_first(session):
    session.add_all(minutes("erin", "forum", "internal-social", utc(2026, 11, 16, 9, 0), 15)
                    + minutes("erin", "forum", "internal-social", utc(2026, 11, 24, 9, 0), 25)
                    + minutes("erin", "facebook", "external-social", utc(2026, 11, 24, 10, 0), 40))
    session.commit()
    trend = community_trend(session, POLICY, ["erin"], MONDAY, weeks=3)
    assert trend == [(date(2026, 11, 9), 0), (date(2026, 11, 16), 15), (date(2026, 11, 23), 25)]
