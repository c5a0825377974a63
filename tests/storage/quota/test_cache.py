"""Quota state in memory: seeded from the database, exact across nodes, and reset exactly once a day —
also on days with 23 or 25 hours, without a local midnight, or with midnight twice."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import OperationalError

import policy
from storage.db import write_connection
from storage.quota.cache import QuotaCache
from storage.quota.claims import claim_minute
from storage.spool.records import ChargeRecord
from storage.writer.apply import apply_batches
from tests.support.net import poll

UTC = timezone.utc
NOON = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
DAY_START = datetime(2026, 11, 26, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def store_charges(engine, user: str, minutes, batch: str, rule: str = "social-budget") -> None:
    """What another node's writer does: charges land in the database."""
    records = [ChargeRecord(user, rule, m, m.date()) for m in minutes]
    with write_connection(engine) as conn, conn.begin():
        apply_batches(conn, "elsewhere", {batch: records})


def at(i: int) -> datetime:
    return NOON + timedelta(minutes=i)


def test_a_first_read_answers_from_memory_and_the_refresher_seeds_it(usage_engine):
    store_charges(usage_engine, "alice", [at(i) for i in range(7)], "b1")
    cache = QuotaCache(usage_engine, refresh_every=60)
    assert cache.used("alice", "social-budget", DAY_START) == 0     # memory only: never waits on I/O
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 7
    assert cache.status()["quota_unseeded"] == 0


def test_after_a_restart_the_preload_knows_every_charge_before_the_first_question(usage_engine, caplog):
    caplog.set_level(logging.INFO)
    recent = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    store_charges(usage_engine, "alice", [recent + timedelta(minutes=i) for i in range(7)], "b1")
    store_charges(usage_engine, "alice", [recent - timedelta(days=9)], "b2")     # older than any period
    cache = QuotaCache(usage_engine, refresh_every=60)
    cache.start()
    try:
        poll(lambda: cache.status()["quota_preloaded"], what="the preload")
        assert "quota state loaded: 7 charged minutes of 1 users and rules" in caplog.text
        assert cache.used("alice", "social-budget", recent) == 7                 # no refresh needed
        assert cache.used("alice", "social-budget", recent + timedelta(minutes=3, seconds=1)) == 3
    finally:
        cache.close()


def test_a_minute_counts_once_whether_charged_here_there_or_both(usage_engine):
    cache = QuotaCache(usage_engine)
    store_charges(usage_engine, "alice", [at(i) for i in range(5)], "b1")
    assert cache.used("alice", "social-budget", DAY_START) == 0
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 5
    cache.charge("alice", "social-budget", at(4))       # also charged by the other node
    cache.charge("alice", "social-budget", at(5))
    cache.charge("alice", "social-budget", at(5))
    assert cache.used("alice", "social-budget", DAY_START) == 6
    store_charges(usage_engine, "alice", [at(5)], "b2")   # our own write lands
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 6
    assert cache.used("bob", "social-budget", DAY_START) == 0


def test_the_minute_a_person_is_in_is_paid_for_wherever_it_was_charged(usage_engine):
    store_charges(usage_engine, "alice", [at(0), at(1)], "b1")       # charged by another proxy
    cache = QuotaCache(usage_engine, refresh_every=60)
    cache.used("alice", "social-budget", DAY_START)
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START, current=at(1)) == 1
    assert cache.used("alice", "social-budget", DAY_START, current=at(2)) == 2
    assert cache.is_charged("alice", "social-budget", DAY_START, at(1))
    assert not cache.is_charged("alice", "social-budget", DAY_START, at(2))


def test_the_age_of_an_answer_counts_from_its_last_read_and_a_claim_is_the_newest_read(usage_engine):
    ticks = [100.0]
    cache = QuotaCache(usage_engine, refresh_every=60)
    cache.ticks = lambda: ticks[0]
    assert cache.used("alice", "social-budget", DAY_START) == 0
    assert cache.age("alice", "social-budget", DAY_START) is None     # only the preload and this process
    cache.refresh()
    ticks[0] = 104.0
    assert cache.age("alice", "social-budget", DAY_START) == 4.0
    store_charges(usage_engine, "alice", [at(0)], "b1")
    claim = claim_minute(usage_engine, "alice", "social-budget", DAY_START, at(1), at(1).date(), 5)
    cache.claimed("alice", "social-budget", DAY_START, at(1), claim, read_at=104.0)
    assert cache.used("alice", "social-budget", DAY_START) == 2 and cache.age("alice", "social-budget", DAY_START) == 0
    ticks[0] = 103.0                       # a refresh that began before the claim answered
    store_charges(usage_engine, "alice", [at(2)], "b2")
    cache.refresh()
    ticks[0] = 105.0
    assert cache.age("alice", "social-budget", DAY_START) == 1.0      # the claim's answer stands


def test_a_person_idle_for_15_minutes_is_forgotten_and_never_read_again_from_memory(usage_engine, caplog):
    caplog.set_level(logging.INFO)
    ticks = [0.0]
    cache = QuotaCache(usage_engine, refresh_every=60)
    cache.ticks = lambda: ticks[0]
    cache.used("alice", "social-budget", DAY_START)
    cache.refresh()
    ticks[0] = 15 * 60 + 1.0
    cache.refresh()
    assert "quota state of 1 idle key(s) forgotten" in caplog.text
    cache.used("alice", "social-budget", DAY_START)
    assert cache.age("alice", "social-budget", DAY_START) is None


def test_two_nodes_on_one_database_converge_on_one_count(usage_engine):
    node_a, node_b = QuotaCache(usage_engine), QuotaCache(usage_engine)
    for node, minutes, batch in ((node_a, range(0, 5), "a"), (node_b, range(3, 8), "b")):
        node.used("alice", "social-budget", DAY_START)
        for i in minutes:
            node.charge("alice", "social-budget", at(i))
        store_charges(usage_engine, "alice", [at(i) for i in minutes], batch)
    node_a.refresh()
    node_b.refresh()
    assert node_a.used("alice", "social-budget", DAY_START) == node_b.used("alice", "social-budget", DAY_START) == 8


def test_minutes_before_the_period_do_not_count(usage_engine):
    cache = QuotaCache(usage_engine)
    yesterday = DAY_START - timedelta(minutes=1)
    cache.charge("alice", "social-budget", yesterday.astimezone(UTC))
    store_charges(usage_engine, "alice", [yesterday.astimezone(UTC)], "b1")
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 0
    cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 0


def test_an_unreachable_database_keeps_the_answers_from_memory(tmp_path):
    from storage.db import make_engine
    from tests.support.net import free_port
    engine = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    cache = QuotaCache(engine)
    cache.charge("alice", "social-budget", at(0))
    assert cache.used("alice", "social-budget", DAY_START) == 1
    with pytest.raises(OperationalError):      # nothing listens there
        cache.refresh()
    assert cache.used("alice", "social-budget", DAY_START) == 1
    engine.dispose()


POLICY = """\
version: 1
timezone: {zone}
categories:
  external-social: {{label: External social media}}
sites:
  facebook: {{label: Facebook, category: external-social, domains: [facebook.com]}}
rules:
  - name: social-budget
    sites: [facebook]
    action: quota
    quota: {{minutes: 30, per: day}}
default: allow
"""


@pytest.mark.parametrize("zone, day, hours", [
    ("Europe/Berlin", date(2026, 3, 29), 23),        # spring forward: 02:00 -> 03:00
    ("Europe/Berlin", date(2026, 10, 25), 25),       # fall back: 03:00 -> 02:00
    ("America/Havana", date(2026, 3, 8), 23),        # no local midnight: 00:00 -> 01:00
    ("America/Havana", date(2026, 11, 1), 25),       # midnight twice: 01:00 -> 00:00
])
def test_a_daily_budget_resets_exactly_once_a_local_day(usage_engine, tmp_path, zone, day, hours):
    (tmp_path / "rules.yaml").write_text(POLICY.format(zone=zone))
    rules, tz = policy.load(tmp_path), ZoneInfo(zone)
    cache = QuotaCache(usage_engine)
    first = datetime.combine(day - timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    day_start: dict[date, datetime] = {}     # the first real minute of each local day
    allowed: dict[date, list[datetime]] = {}
    resets, was_blocked, pending = 0, False, []
    for i in range((hours + 48) * 60):       # the day before, the day itself, the day after
        moment = first + timedelta(minutes=i)
        local_day = moment.astimezone(tz).date()
        day_start.setdefault(local_day, moment)
        decision = rules.decide("alice", "https://facebook.com/", moment,
                                used_minutes=lambda rule, start: cache.used("alice", rule, start))
        if decision.action == "allow":
            cache.charge("alice", decision.rule, moment)     # what the proxy's sink does
            pending.append(moment)
            allowed.setdefault(local_day, []).append(moment)
            resets += was_blocked
        was_blocked = decision.action == "block"
        if moment.minute == 59:              # every hour our writes land and the refresher runs
            store_charges(usage_engine, "alice", pending, f"b{i}")
            pending = []
            cache.refresh()
    days = [day - timedelta(days=1), day, day + timedelta(days=1)]
    assert sorted(allowed) == days
    assert {d: len(allowed[d]) for d in days} == {d: 30 for d in days}   # one budget per local day
    assert {d: allowed[d][0] for d in days} == {d: day_start[d] for d in days}   # reset at its start
    assert resets == 2
    assert day_start[day + timedelta(days=1)] - day_start[day] == timedelta(hours=hours)
