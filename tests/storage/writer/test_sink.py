"""The durable usage sink as the proxy uses it: minutes, charges and attempts end up in the database,
policy-local days, heartbeats (spool trouble included), and a proxy that keeps going when the
database is not there."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.exc import OperationalError, ProgrammingError

import storage.writer.database
from storage.usage.tables import ActiveMinute, Attempt, ProxyNode, QuotaCharge
from storage.writer.sink import DatabaseUsageSink
from tests.support.databases import sorted_rows
from tests.support.net import free_port, poll
from tests.support.small_disk import read_only

UTC = timezone.utc
LATE = datetime(2026, 11, 26, 23, 30, 15, tzinfo=UTC)     # already Friday in Berlin


def make_sink(url, tmp_path, **kwargs) -> DatabaseUsageSink:
    return DatabaseUsageSink(url, data=tmp_path, node="proxy-1", zone="Europe/Berlin", max_delay=0.05,
                             **kwargs)


def test_minutes_charges_and_attempts_are_stored_once_with_local_days(db_url, tmp_path):
    sink = make_sink(db_url, tmp_path)
    for second in range(0, 60, 5):                  # a busy page: many requests in one minute
        sink.minute("alice", "facebook", "external-social", LATE.replace(second=second), "social-budget")
    sink.minute("alice", "forum", "internal-social", LATE)
    sink.minute(None, "facebook", "external-social", LATE + timedelta(minutes=1))
    sink.attempt("bob", "youtube", "youtube-nudge", "warned", LATE)
    sink.attempt("bob", "youtube", "youtube-nudge", "warned", LATE)
    sink.attempt(None, "tiktok", None, "blocked", LATE)
    assert sink.used_minutes("alice", "social-budget", datetime(2026, 11, 27, tzinfo=UTC) - timedelta(hours=1)) == 1
    assert sink.flush(timeout=30)
    sink.close()
    friday, minute = date(2026, 11, 27), LATE.replace(second=0)
    assert sorted_rows(db_url, ActiveMinute.user_name, ActiveMinute.site, ActiveMinute.minute, ActiveMinute.day) == [
        ("", "facebook", minute + timedelta(minutes=1), friday),
        ("alice", "facebook", minute, friday), ("alice", "forum", minute, friday)]
    assert sorted_rows(db_url, QuotaCharge.user_name, QuotaCharge.rule, QuotaCharge.day) == \
        [("alice", "social-budget", friday)]
    assert sorted_rows(db_url, Attempt.user_name, Attempt.site, Attempt.rule, Attempt.kind, Attempt.count) == [
        ("", "tiktok", "", "blocked", 1), ("bob", "youtube", "youtube-nudge", "warned", 2)]


def test_names_lose_control_characters_and_excess_length(db_url, tmp_path):
    sink = make_sink(db_url, tmp_path)
    sink.minute("eve\x00\n" + "x" * 400, "facebook", "external-social", LATE)
    assert sink.flush(timeout=30)
    sink.close()
    [(name,)] = sorted_rows(db_url, ActiveMinute.user_name)
    assert name == ("eve" + "x" * 400)[:255]


def test_the_heartbeat_tells_the_panel_which_policy_runs(db_url, tmp_path):
    sink = make_sink(db_url, tmp_path)
    sink.set_node_state(policy_version="3f2a9c", reload_error="rules/rules.yaml:12:5: unknown key")
    try:
        def heartbeats():
            try:
                return sorted_rows(db_url, ProxyNode.node_id, ProxyNode.policy_version, ProxyNode.last_reload_error)
            except (OperationalError, ProgrammingError):   # the sink is still creating the tables
                return None

        rows = poll(heartbeats, timeout=20, what="a heartbeat")
        assert rows == [("proxy-1", "3f2a9c", "rules/rules.yaml:12:5: unknown key")]
    finally:
        sink.close()


def test_an_unreachable_database_at_start_still_enforces_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    url = f"postgresql+psycopg://watercooler:pw@127.0.0.1:{free_port()}/watercooler"
    sink = make_sink(url, tmp_path)
    try:
        sink.minute("alice", "facebook", "external-social", LATE, "social-budget")
        sink.attempt("alice", "facebook", "social-budget", "blocked", LATE)
        assert sink.used_minutes("alice", "social-budget", LATE - timedelta(hours=1)) == 1
        status = poll(lambda: (s := sink.status())["database"] == "down" and s["spooled"] == 3 and s,
                      timeout=20, what="the outage to show")
        assert status["database_error"] and "pw" not in status["database_url"]
        assert "unavailable" in caplog.text and "spooling usage to" in caplog.text
    finally:
        sink.close(timeout=0.5)
    assert "3 records stay in the spool" in caplog.text
    assert list((tmp_path / "spool" / "proxy-1").glob("*.jsonl"))   # replayed at the next start


def test_the_heartbeat_tells_the_panel_when_the_spool_refuses_writes(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(storage.writer.database, "JOB_EVERY", 0.2)
    sink = make_sink(db_url, tmp_path)

    def spool_state():
        try:
            return sorted_rows(db_url, ProxyNode.spool_error, ProxyNode.held_in_memory, ProxyNode.dropped_records)
        except (OperationalError, ProgrammingError):   # the sink is still creating the tables
            return None

    try:
        poll(spool_state, timeout=20, what="a first heartbeat")
        with read_only(sink.spool.folder):             # no segment file can be created
            sink.minute("alice", "facebook", "external-social", LATE, "social-budget")
            poll(lambda: spool_state() == [("Operation not permitted", 2, 0)], timeout=20,
                 what="the heartbeat to report the held records")
        assert sink.flush(timeout=30)
        poll(lambda: spool_state() == [(None, 0, 0)], timeout=20, what="the heartbeat to report recovery")
    finally:
        sink.close()
    assert sorted_rows(db_url, QuotaCharge.user_name) == [("alice",)]
