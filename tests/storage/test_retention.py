"""Retention: usage older than the kept days goes, whole days at a time; the rest stays."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from storage.apply import apply_batches
from storage.db import write_connection
from storage.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.retention import purge_usage
from storage.usage import ActiveMinute, Attempt, QuotaCharge
from tests.support.databases import db_url, pg_database, usage_engine  # noqa: F401  (fixtures)

TODAY = date(2026, 11, 26)


def day_of_usage(day: date) -> list:
    minute = datetime.combine(day, time(9), timezone.utc)
    return [MinuteRecord("alice", "facebook", "external-social", minute, day),
            ChargeRecord("alice", "social-budget", minute, day),
            AttemptRecord("alice", "facebook", "social-budget", day, "blocked", 2)]


def test_the_last_90_days_are_kept_and_older_days_deleted(usage_engine):
    days = [TODAY, TODAY - timedelta(days=89), TODAY - timedelta(days=90), TODAY - timedelta(days=400)]
    with write_connection(usage_engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {f"b{i}": day_of_usage(d) for i, d in enumerate(days)})
    assert purge_usage(usage_engine, today=TODAY) == {"active_minutes": 2, "quota_charges": 2, "usage_attempts": 2}
    with usage_engine.connect() as conn:
        for model in (ActiveMinute, QuotaCharge, Attempt):
            assert sorted(conn.execute(select(model.day)).scalars()) == sorted(days[:2])


def test_keeping_nothing_is_refused(usage_engine):
    with pytest.raises(ValueError, match="at least 1"):
        purge_usage(usage_engine, keep_days=0)
