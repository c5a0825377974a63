from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import insert
from sqlalchemy.orm import Session

from storage.quota.reads import all_charges_since, charged_minutes, epoch_minute, used_minutes
from storage.usage.tables import QuotaCharge

NINE = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def _charge(engine, user: str, rule: str, *minutes: int) -> None:
    with engine.begin() as conn:
        conn.execute(insert(QuotaCharge), [{"user_name": user, "rule": rule, "minute": NINE + timedelta(minutes=m),
                                            "day": NINE.date()} for m in minutes])


def test_charged_minutes_per_user_since_a_moment(usage_engine):
    _charge(usage_engine, "alice", "social-budget", 0, 1, 5)
    _charge(usage_engine, "bob", "social-budget", 2)
    _charge(usage_engine, "alice", "video-budget", 3)
    found = charged_minutes(usage_engine, "social-budget", NINE + timedelta(minutes=1), ["alice", "bob", "carol"])
    assert found == {"alice": {NINE + timedelta(minutes=1), NINE + timedelta(minutes=5)},
                     "bob": {NINE + timedelta(minutes=2)}}


def test_all_charges_since_are_sorted_epoch_minutes_per_user_and_rule(usage_engine):
    _charge(usage_engine, "alice", "social-budget", 5, 0)
    _charge(usage_engine, "bob", "video-budget", 1)
    found = {key: list(minutes) for key, minutes in all_charges_since(usage_engine, NINE).items()}
    assert found == {("alice", "social-budget"): [epoch_minute(NINE), epoch_minute(NINE) + 5],
                     ("bob", "video-budget"): [epoch_minute(NINE) + 1]}


def test_used_minutes_leave_out_the_minute_now_is_in(usage_engine):
    _charge(usage_engine, "alice", "social-budget", 0, 1, 2)
    with Session(usage_engine) as db:
        used = used_minutes(db, "alice", NINE + timedelta(minutes=2, seconds=30))
        assert used("social-budget", NINE) == 2           # 09:02 is already paid for
        assert used("social-budget", NINE + timedelta(minutes=1)) == 1
        assert used_minutes(db, None, NINE)("social-budget", NINE) == 0
