"""A person's own minutes: active minutes per site this week."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from storage.usage.tables import ActiveMinute
from web.db import db
from web.me.usage import week_start, week_usage

THURSDAY = date(2026, 11, 26)


def _minutes(user: str, site: str, day: date, count: int) -> list[ActiveMinute]:
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=timezone.utc)
    return [ActiveMinute(user_name=user, site=site, category="external-social",
                         minute=start + timedelta(minutes=i), day=day) for i in range(count)]


def test_week_usage_counts_this_week_per_site_and_day(app):
    with app.app_context():
        db().add_all(_minutes("erin", "facebook", date(2026, 11, 23), 5)       # Monday
                     + _minutes("erin", "facebook", THURSDAY, 7)
                     + _minutes("erin", "youtube", date(2026, 11, 24), 20)
                     + _minutes("erin", "facebook", date(2026, 11, 22), 50)     # last week's Sunday
                     + _minutes("bob", "facebook", THURSDAY, 9))                # someone else
        db().commit()
        weeks = week_usage(db(), "erin", THURSDAY, {"facebook": "Facebook", "youtube": "YouTube"})
    assert [(w.label, w.minutes, w.by_day) for w in weeks] == [
        ("YouTube", 20, (0, 20, 0, 0, 0, 0, 0)),
        ("Facebook", 12, (5, 0, 0, 7, 0, 0, 0)),
    ]


def test_weeks_start_on_monday():
    assert week_start(THURSDAY) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)
