"""Forgetting usage: rows older than the retention period go (90 days unless the panel says otherwise).

The panel schedules this with its retention setting; admins can run it from a shell too. Days are
the policy-local `day` column, so a day is kept or deleted whole.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, delete

from storage.db import write_connection
from storage.usage import ActiveMinute, Attempt, QuotaCharge

DEFAULT_DAYS = 90


def purge_usage(engine: Engine, keep_days: int = DEFAULT_DAYS, today: date | None = None) -> dict[str, int]:
    """Delete usage from before the last `keep_days` days; returns rows deleted per table."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    first_kept = (today or date.today()) - timedelta(days=keep_days - 1)
    deleted = {}
    with write_connection(engine) as conn, conn.begin():
        for model in (ActiveMinute, QuotaCharge, Attempt):
            deleted[model.__tablename__] = conn.execute(delete(model).where(model.day < first_kept)).rowcount
    return deleted
