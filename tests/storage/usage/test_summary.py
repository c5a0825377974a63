from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert

from storage.usage.summary import UsageRow, usage_rows
from storage.usage.tables import ActiveMinute, Attempt

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


def _record(engine) -> None:
    nine = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)
    minutes = [("alice", "facebook", MON, 3), ("alice", "x", MON, 1), ("", "facebook", MON, 2), ("bob", "x", TUE, 4)]
    attempts = [("alice", "facebook", MON, "blocked", 2), ("alice", "facebook", MON, "warned", 1),
                ("bob", "youtube", TUE, "continued", 5), ("bob", "youtube", TUE, "noticed", 9)]
    with engine.begin() as conn:
        conn.execute(insert(ActiveMinute), [
            {"user_name": user, "site": site, "category": "social", "day": day,
             "minute": nine + timedelta(days=(day - MON).days, minutes=m)}
            for user, site, day, count in minutes for m in range(count)])
        conn.execute(insert(Attempt), [{"user_name": user, "site": site, "rule": "r", "day": day, "kind": kind,
                                        "count": count} for user, site, day, kind, count in attempts])


def test_minutes_and_attempts_per_day_user_and_site(usage_engine):
    _record(usage_engine)
    assert usage_rows(usage_engine) == [
        UsageRow(MON, "", "facebook", minutes=2),
        UsageRow(MON, "alice", "facebook", minutes=3, blocked=2, warned=1),
        UsageRow(MON, "alice", "x", minutes=1),
        UsageRow(TUE, "bob", "x", minutes=4),
        UsageRow(TUE, "bob", "youtube", continued=5),        # other kinds of attempt are not listed
    ]


def test_filters_by_days_people_and_site(usage_engine):
    _record(usage_engine)
    assert usage_rows(usage_engine, since=TUE) == [UsageRow(TUE, "bob", "x", minutes=4),
                                                   UsageRow(TUE, "bob", "youtube", continued=5)]
    assert usage_rows(usage_engine, until=MON, users={"alice"}, site="x") == [UsageRow(MON, "alice", "x", minutes=1)]


def test_json_names_anonymous_as_null():
    assert UsageRow(MON, "", "facebook", minutes=2).to_json() == {
        "day": "2026-11-23", "user": None, "site": "facebook", "minutes": 2, "blocked": 0, "warned": 0,
        "continued": 0}
