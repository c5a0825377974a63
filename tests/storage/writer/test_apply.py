"""Applying batches: each batch once, each minute once, attempts exact, on both databases."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, update

from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.usage.tables import ActiveMinute, AppliedBatch, Attempt, QuotaCharge
from storage.writer.apply import apply_batches, forget_old_batches

DAY = date(2026, 11, 26)
MINUTE = datetime(2026, 11, 26, 11, 15, tzinfo=timezone.utc)


def batch(user="alice", kind="blocked"):
    return [MinuteRecord(user, "facebook", "external-social", MINUTE, DAY),
            MinuteRecord(user, "facebook", "external-social", MINUTE, DAY),
            ChargeRecord(user, "social-budget", MINUTE, DAY),
            AttemptRecord(user, "facebook", "social-budget", DAY, kind),
            AttemptRecord(user, "facebook", "social-budget", DAY, kind)]


def counts(conn):
    return (conn.scalar(select(func.count()).select_from(ActiveMinute)),
            conn.scalar(select(func.count()).select_from(QuotaCharge)),
            dict(conn.execute(select(Attempt.kind, Attempt.count)).all()))


def test_a_batch_is_stored_with_duplicates_folded(usage_conn):
    apply_batches(usage_conn, "node-a", {"b1": batch()})
    assert counts(usage_conn) == (1, 1, {"blocked": 2})


def test_a_replayed_batch_changes_nothing(usage_conn):
    apply_batches(usage_conn, "node-a", {"b1": batch()})
    apply_batches(usage_conn, "node-a", {"b1": batch()})      # a spool replayed after a lost commit reply
    apply_batches(usage_conn, "node-b", {"b1": batch()})      # or by another node that took over the slot
    assert counts(usage_conn) == (1, 1, {"blocked": 2})


def test_different_batches_add_attempts_but_never_minutes(usage_conn):
    apply_batches(usage_conn, "node-a", {"b1": batch(), "b2": batch()})
    apply_batches(usage_conn, "node-b", {"b3": batch(kind="warned")})
    assert counts(usage_conn) == (1, 1, {"blocked": 4, "warned": 2})


def test_batch_ids_are_forgotten_after_a_week(usage_conn):
    apply_batches(usage_conn, "node-a", {"old": batch(), "new": batch("bob")})
    usage_conn.execute(update(AppliedBatch).where(AppliedBatch.batch_id == "old")
                       .values(applied_at=datetime.now(timezone.utc) - timedelta(days=8)))
    forget_old_batches(usage_conn)
    assert usage_conn.execute(select(AppliedBatch.batch_id)).scalars().all() == ["new"]
