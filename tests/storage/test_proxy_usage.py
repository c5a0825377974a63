"""End to end with real proxies: minutes land in the database, two proxies on one database keep one
count and one quota, and a database outage under steady traffic loses and doubles nothing."""
from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import func, select

from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from tests.support.databases import sorted_rows
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import start_env

pytestmark = pytest.mark.e2e

RULES = """
version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social media}
  community: {label: Our community, internal: true}
sites:
  facebook: {label: Facebook, category: social, domains: [facebook.com]}
  reddit: {label: Reddit, category: social, domains: [reddit.com]}
  forum: {label: Company forum, category: community, domains: [forum.corp.example]}
rules:
  - name: no-facebook
    sites: [facebook]
    action: block
  - name: reddit-budget
    sites: [reddit]
    action: quota
    quota: {minutes: 1, per: day}
default: allow
"""


def page(host: str) -> bytes:
    return (f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n"
            "Connection: close\r\n\r\n").encode()


def test_two_proxies_on_one_database_keep_one_count_and_one_quota(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))    # both spools: one slot each
    options = {"watercooler_db": db_url, "watercooler_test_clock": "2026-11-26T10:00:00+01:00"}
    first = start_env(tmp_path / "a", RULES, options)
    second = None
    try:
        assert http_via_proxy(first.port, page("www.reddit.com")).status == 200   # the day's one minute
        poll(lambda: sorted_rows(db_url, QuotaCharge.user_name), timeout=20, what="the charge to be stored")
        second = start_env(tmp_path / "b", RULES, options)                        # scaled out, same minute
        second.proxy.wait_for_log("quota state loaded", timeout=20)
        # The minute is paid for on every proxy: the second lets her finish it and charges nothing more
        # (the next minute is blocked on both: tests/proxy_addons/usage/test_quota_gate.py).
        assert http_via_proxy(second.port, page("www.reddit.com")).status == 200
        for env in (first, second):                                              # one colleague, two proxies
            assert http_via_proxy(env.port, page("forum.corp.example")).status == 200
    finally:
        for env in (first, second):
            if env:
                env.stop()
    minutes = sorted_rows(db_url, ActiveMinute.user_name, ActiveMinute.site, ActiveMinute.day)
    assert [(user, site, str(day)) for user, site, day in minutes] == [
        ("", "forum", "2026-11-26"), ("", "reddit", "2026-11-26")]    # the forum minute once, not twice
    assert len(sorted_rows(db_url, QuotaCharge.minute)) == 1
    assert sorted_rows(db_url, Attempt.site, Attempt.kind, Attempt.count) == []


def test_a_database_outage_under_steady_traffic_loses_and_doubles_nothing(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))
    upgrade(db_url)
    blocked = [0]
    with database_outage(db_url) as (proxy_url, outage):
        # A page load every 0.1 s is one every 6 s on the proxy's clock: every minute sees ~10.
        env = start_env(tmp_path / "proxy", RULES, {"watercooler_db": proxy_url,
                                                    "watercooler_test_clock": "2026-11-26T10:00:00+01:00x60"})
        try:
            def traffic(until) -> bool:
                assert http_via_proxy(env.port, page("forum.corp.example")).status == 200
                blocked[0] += http_via_proxy(env.port, page("www.facebook.com")).status == 403
                return until()

            poll(lambda: traffic(lambda: blocked[0] >= 10), timeout=30, interval=0.1, what="steady traffic")
            outage.cut()
            poll(lambda: traffic(lambda: "unavailable" in env.proxy.log()), timeout=30, interval=0.1,
                 what="the proxy to notice the outage")
            at_cut = blocked[0]
            poll(lambda: traffic(lambda: blocked[0] >= at_cut + 15), timeout=30, interval=0.1, what="traffic")
            outage.restore()
            at_restore = blocked[0]
            poll(lambda: traffic(lambda: blocked[0] >= at_restore + 10), timeout=30, interval=0.1, what="traffic")
        finally:
            env.stop()                        # SIGTERM: whatever is still spooled goes in now
    minutes = [m for (m,) in sorted_rows(db_url, ActiveMinute.minute)]
    assert len(minutes) >= 3
    assert [(b - a).total_seconds() for a, b in pairwise(minutes)] == [60.0] * (len(minutes) - 1)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.sum(Attempt.count))) == blocked[0]       # every block, exactly once
    engine.dispose()
