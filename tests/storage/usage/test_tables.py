"""The usage tables: one row per (user, site, minute) and per (user, rule, minute), whatever writes
them; attempts per (user, site, rule, day, kind); and nothing a works council would object to."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge

MINUTE = datetime(2026, 11, 26, 11, 15, tzinfo=timezone.utc)
DAY = date(2026, 11, 26)


def test_a_minute_is_stored_once_per_user_and_site(usage_conn):
    row = {"user_name": "alice", "site": "facebook", "category": "external-social", "minute": MINUTE, "day": DAY}
    usage_conn.execute(insert(ActiveMinute), [row, {**row, "site": "youtube"}, {**row, "user_name": "bob"}])
    with pytest.raises(IntegrityError), usage_conn.begin_nested():
        usage_conn.execute(insert(ActiveMinute), [row])
    assert usage_conn.execute(select(ActiveMinute.minute).where(ActiveMinute.user_name == "alice")).scalars().all() \
        == [MINUTE, MINUTE]   # aware UTC on the way back, on both databases


def test_a_quota_minute_is_charged_once_per_user_and_rule(usage_conn):
    row = {"user_name": "alice", "rule": "social-budget", "minute": MINUTE, "day": DAY}
    usage_conn.execute(insert(QuotaCharge), [row])
    with pytest.raises(IntegrityError), usage_conn.begin_nested():
        usage_conn.execute(insert(QuotaCharge), [row])


def test_attempts_have_one_row_per_user_site_rule_day_and_kind(usage_conn):
    row = {"user_name": "alice", "site": "facebook", "rule": "social-budget", "day": DAY, "kind": "blocked",
           "count": 3}
    usage_conn.execute(insert(Attempt), [row, {**row, "kind": "warned"}])
    with pytest.raises(IntegrityError), usage_conn.begin_nested():
        usage_conn.execute(insert(Attempt), [row])


def test_nothing_but_names_minutes_and_counts_is_stored(shared_usage_engine):
    columns = {t: {c["name"] for c in inspect(shared_usage_engine).get_columns(t)}
               for t in ("active_minutes", "quota_charges", "usage_attempts", "usage_batches", "proxy_nodes")}
    assert columns == {
        "active_minutes": {"id", "user_name", "site", "category", "minute", "day"},
        "quota_charges": {"id", "user_name", "rule", "minute", "day"},
        "usage_attempts": {"id", "user_name", "site", "rule", "day", "kind", "count"},
        "usage_batches": {"batch_id", "node_id", "applied_at"},
        "proxy_nodes": {"node_id", "started_at", "last_seen", "policy_version", "last_reload_error", "spooled",
                        "spool_error", "held_in_memory", "dropped_records"},
    }   # docs/privacy.md lists exactly these; a new column must be documented there first


def test_the_panel_summaries_have_indexes(shared_usage_engine):
    indexed = {tuple(i["column_names"]) for t in ("active_minutes", "usage_attempts")
               for i in inspect(shared_usage_engine).get_indexes(t)}
    assert {("day", "site"), ("day", "user_name")} <= indexed
