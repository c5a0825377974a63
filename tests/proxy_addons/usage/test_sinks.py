"""`make_sink`: memory without a URL, the durable sink with one, and a proxy that serves at once even
when its database stalls at start (the schema, the quota preload, the overrides and new quota minutes
wait for it)."""
import time
from datetime import datetime, timezone

import pytest

from proxy_addons.usage.memory_sink import MemorySink
from proxy_addons.usage.sinks import make_sink, tell_sink_about_policy
from storage.usage.tables import Attempt, QuotaCharge
from tests.support.databases import count_rows
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import DATABASE_READY, start_env

START_DEADLINE = 20.0    # generous for a loaded machine; a start that waited for the database takes 60 s


def test_no_database_means_memory():
    assert isinstance(make_sink(None), MemorySink)
    assert isinstance(make_sink(""), MemorySink)


def test_a_database_url_gives_the_durable_sink_which_brings_the_schema_up_to_date(tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path))
    sink = make_sink(f"sqlite:///{tmp_path / 'usage.db'}", "Europe/Berlin")
    try:
        tell_sink_about_policy(sink, "Europe/Berlin", "v1", None)
        sink.minute("alice", "reddit", "social", datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc),
                    quota_rule="budget")
        assert sink.used_minutes("alice", "budget", datetime(2026, 11, 26, tzinfo=timezone.utc)) == 1
        assert sink.status()["sink"] == "database"
        assert sink.flush(timeout=20)
        assert sink.schema_ready
    finally:
        sink.close()


def page(host: str) -> bytes:
    return (f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n"
            "Connection: close\r\n\r\n").encode()


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_proxy_whose_database_stalls_at_start_serves_at_once_and_holds_new_quota_minutes(
        pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))
    with database_outage(pg_url) as (proxy_url, relay):
        relay.stall()
        started = time.monotonic()
        # A minute of the proxy's clock per second: the 5-minute reddit budget runs out within seconds
        # once the database answers.
        env = start_env(tmp_path / "proxy", options={"watercooler_db": proxy_url,
                                                     "watercooler_db_connect_timeout": "60",
                                                     "watercooler_test_clock": "2026-11-26T10:00:00+01:00x60"},
                        wait_for_database=False, program="watercooler")
        try:
            blocked = http_via_proxy(env.port, page("www.facebook.com"))
            assert time.monotonic() - started < START_DEADLINE
            assert blocked.status == 403 and "Facebook" in blocked.text
            assert http_via_proxy(env.port, page("forum.corp.example")).status == 200
            held = http_via_proxy(env.port, page("www.reddit.com"))    # a new quota minute needs the database
            assert held.status == 503 and "Policy unavailable" in held.text
            assert DATABASE_READY not in env.proxy.log()

            relay.resume()                                    # the schema, then the spool, in the background
            env.proxy.wait_for_log(DATABASE_READY, timeout=30)
            used_up = poll(lambda: (seen := http_via_proxy(env.port, page("www.reddit.com"))).status == 403 and seen,
                           timeout=30, interval=0.2, what="the reddit budget to run out")
            assert "5 of 5 minutes used today" in used_up.text
            poll(lambda: count_rows(pg_url, Attempt, site="facebook") == 1, timeout=20,
                 what="the attempt spooled during the stall to be stored")
            assert count_rows(pg_url, QuotaCharge, rule="reddit-budget") == 5
        finally:
            relay.resume()
            env.stop()
