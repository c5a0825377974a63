"""The one query the quota cache runs: which minutes each user has been charged since a moment."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, select

from storage.usage import QuotaCharge

CHUNK = 500   # keeps the IN list well under SQLite's bound-parameter limit


def charged_minutes(engine: Engine, rule: str, start: datetime,
                    users: Iterable[str]) -> dict[str, set[datetime]]:
    """user -> minutes charged to `rule` at or after `start` (aware UTC)."""
    found: dict[str, set[datetime]] = {}
    names = sorted(users)
    with engine.connect() as conn:
        for i in range(0, len(names), CHUNK):
            rows = conn.execute(
                select(QuotaCharge.user_name, QuotaCharge.minute)
                .where(QuotaCharge.rule == rule, QuotaCharge.minute >= start,
                       QuotaCharge.user_name.in_(names[i:i + CHUNK])))
            for user, minute in rows:
                found.setdefault(user, set()).add(minute)
    return found
