"""Claiming quota minutes in the database: granted while the budget has room, once per minute, and
never more than the budget when many proxies claim different minutes at the same moment."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from threading import Barrier

import pytest
from sqlalchemy import select

from storage.db import make_engine
from storage.migrate import upgrade
from storage.quota.claims import ClaimTooLate, budget_key, claim_minute
from storage.usage.tables import QuotaCharge
from tests.support.databases import sorted_rows

UTC = timezone.utc
DAY_START = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)         # midnight in Berlin
NOON = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)


def claim(engine, i: int, limit: int = 2, user: str = "alice"):
    minute = NOON + timedelta(minutes=i)
    return claim_minute(engine, user, "social-budget", DAY_START, minute, minute.date(), limit)


def test_minutes_are_granted_until_the_budget_is_used_and_a_granted_minute_stays_granted(usage_engine):
    first, again, second, third = claim(usage_engine, 0), claim(usage_engine, 0), claim(usage_engine, 1), \
        claim(usage_engine, 2)
    assert (first.granted, again.granted, second.granted, third.granted) == (True, True, True, False)
    assert third.charged == frozenset({NOON, NOON + timedelta(minutes=1)})
    assert claim(usage_engine, 1).granted                      # the minute already paid for: still granted
    assert claim(usage_engine, 2, user="bob").granted          # another person's budget is their own
    with usage_engine.connect() as conn:
        stored = conn.execute(select(QuotaCharge.user_name, QuotaCharge.minute, QuotaCharge.day)
                              .order_by(QuotaCharge.user_name, QuotaCharge.minute)).all()
    assert [(user, minute, str(day)) for user, minute, day in stored] == [
        ("alice", NOON, "2026-11-26"), ("alice", NOON + timedelta(minutes=1), "2026-11-26"),
        ("bob", NOON + timedelta(minutes=2), "2026-11-26")]


def test_a_claim_past_its_deadline_charges_nothing(usage_engine):
    minute = NOON
    with pytest.raises(ClaimTooLate):
        claim_minute(usage_engine, "alice", "social-budget", DAY_START, minute, minute.date(), 2,
                     deadline=time.monotonic() - 1)
    assert claim(usage_engine, 1, limit=1).granted                 # the budget is as it was


def test_minutes_before_the_period_do_not_count(usage_engine):
    yesterday = NOON - timedelta(days=1)
    claim_minute(usage_engine, "alice", "social-budget", yesterday - timedelta(hours=12), yesterday,
                 yesterday.date(), 1)
    assert claim(usage_engine, 0, limit=1).granted


def test_proxies_claiming_different_minutes_at_once_never_exceed_the_budget(pg_url):
    engines = [make_engine(pg_url) for _ in range(8)]         # eight proxies, one connection pool each
    upgrade(engines[0])
    start = Barrier(len(engines))

    def one_proxy(i: int) -> bool:
        start.wait()
        return claim(engines[i], i, limit=3).granted

    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            granted = list(pool.map(one_proxy, range(len(engines))))
    finally:
        for engine in engines:
            engine.dispose()
    assert granted.count(True) == 3
    assert len(sorted_rows(pg_url, QuotaCharge.minute)) == 3


def test_budget_keys_are_stable_signed_64_bit_numbers():
    key = budget_key("alice", "social-budget")
    assert key == budget_key("alice", "social-budget") and -2**63 <= key < 2**63
    assert key != budget_key("alice", "video-budget") and key != budget_key("alic", "esocial-budget")
