"""Write spooled batches into the database: idempotent upserts on SQLite and PostgreSQL alike.

One transaction per call. Each batch id goes into `usage_batches` first; a batch already there was
applied before (a replayed spool, or a commit whose answer was lost with the connection) and is
skipped, which keeps attempt counts exact. Minutes and charges are safe anyway: their uniqueness
constraints turn a second insert into nothing. Rows are sorted so two nodes lock them in the same
order and never deadlock each other.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite

from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord, Record, merge_attempts
from storage.usage.tables import ActiveMinute, AppliedBatch, Attempt, QuotaCharge

BATCH_MARKER_DAYS = 7   # far longer than a spool segment lives once its batches are applied


def apply_batches(conn: Connection, node: str, batches: dict[str, list[Record]]) -> int:
    """Apply the batches not applied before; returns how many records they held (after merging)."""
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    now = datetime.now(timezone.utc)
    fresh = conn.execute(
        insert(AppliedBatch).values([{"batch_id": b, "node_id": node, "applied_at": now}
                                     for b in sorted(batches)])
        .on_conflict_do_nothing().returning(AppliedBatch.batch_id)
    ).scalars().all()
    records = merge_attempts([r for b in fresh for r in batches[b]])
    minutes = sorted({(r.user, r.site, r.minute): r for r in records if isinstance(r, MinuteRecord)}.items())
    charges = sorted({(r.user, r.rule, r.minute): r for r in records if isinstance(r, ChargeRecord)}.items())
    attempts = sorted((r for r in records if isinstance(r, AttemptRecord)),
                      key=lambda r: (r.user, r.site, r.rule, r.day, r.kind))
    if minutes:
        conn.execute(insert(ActiveMinute).on_conflict_do_nothing(),
                     [{"user_name": r.user, "site": r.site, "category": r.category,
                       "minute": r.minute, "day": r.day} for _, r in minutes])
    if charges:
        conn.execute(insert(QuotaCharge).on_conflict_do_nothing(),
                     [{"user_name": r.user, "rule": r.rule, "minute": r.minute, "day": r.day}
                      for _, r in charges])
    if attempts:
        stmt = insert(Attempt)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_name", "site", "rule", "day", "kind"],
            set_={"count": Attempt.count + stmt.excluded["count"]})
        conn.execute(stmt, [{"user_name": r.user, "site": r.site, "rule": r.rule, "day": r.day,
                             "kind": r.kind, "count": r.count} for r in attempts])
    return len(minutes) + len(charges) + len(attempts)


def forget_old_batches(conn: Connection) -> None:
    """Batch ids only matter while a spool could still hold their batch."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=BATCH_MARKER_DAYS)
    conn.execute(delete(AppliedBatch).where(AppliedBatch.applied_at < cutoff))
