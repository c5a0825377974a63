"""End to end: a real proxy with `watercooler_db` stores minutes, charges and blocks in the database,
and a restarted proxy on the same database still knows the budget is used up."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import make_engine
from storage.usage import ActiveMinute, Attempt, QuotaCharge
from tests.support.databases import db_url, pg_database  # noqa: F401  (fixtures)
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import start_env

pytestmark = pytest.mark.e2e

PAGE = (b"GET http://www.reddit.com/r/python HTTP/1.1\r\nHost: www.reddit.com\r\nAccept: text/html\r\n"
        b"Connection: close\r\n\r\n")
FORUM = (b"GET http://forum.corp.example/ HTTP/1.1\r\nHost: forum.corp.example\r\nAccept: text/html\r\n"
         b"Connection: close\r\n\r\n")


def rows(url, *columns):
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(select(*columns)).all())
    finally:
        engine.dispose()


def test_minutes_accumulate_in_the_database_and_the_budget_survives_a_restart(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))     # the proxies' spool folder
    fast_morning = {"watercooler_db": db_url, "watercooler_test_clock": "2026-11-26T10:00:00+01:00x60"}
    env = start_env(tmp_path / "first", options=fast_morning)
    try:
        assert http_via_proxy(env.port, FORUM).status == 200
        # A page load every 0.2 s is one every 12 seconds on the proxy's fast clock: 5 minutes pass in 5 s.
        poll(lambda: http_via_proxy(env.port, PAGE).status == 403, timeout=30, interval=0.2,
             what="the Reddit budget to run out")
    finally:
        env.stop()                                    # SIGTERM: the sink flushes before the proxy exits
    minutes = rows(db_url, ActiveMinute.user_name, ActiveMinute.site, ActiveMinute.day)
    assert minutes.count(("", "reddit", minutes[0][2])) == 5
    assert ("", "forum", minutes[0][2]) in minutes
    assert str(minutes[0][2]) == "2026-11-26"       # the policy's local day
    assert len(rows(db_url, QuotaCharge.minute)) == 5
    assert [(user, site, kind) for user, site, kind, count in
            rows(db_url, Attempt.user_name, Attempt.site, Attempt.kind, Attempt.count)] == [("", "reddit", "blocked")]

    afternoon = {"watercooler_db": db_url, "watercooler_test_clock": "2026-11-26T15:00:00+01:00"}
    again = start_env(tmp_path / "second", options=afternoon)
    try:
        again.proxy.wait_for_log("quota state loaded", timeout=20)
        blocked = http_via_proxy(again.port, PAGE)
        assert blocked.status == 403 and "5 of 5 minutes used today" in blocked.text
        assert again.http_origin.seen == []
    finally:
        again.stop()
