"""The quota cache's queries: which minutes each user has been charged since a moment."""
from __future__ import annotations

from array import array
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


def all_charges_since(engine: Engine, start: datetime) -> dict[tuple[str, str], array]:
    """(user, rule) -> sorted epoch minutes charged at or after `start`: compact, for a start-up preload."""
    found: dict[tuple[str, str], array] = {}
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=5000).execute(
            select(QuotaCharge.user_name, QuotaCharge.rule, QuotaCharge.minute)
            .where(QuotaCharge.minute >= start).order_by(QuotaCharge.minute))
        for user, rule, minute in rows:
            found.setdefault((user, rule), array("q")).append(epoch_minute(minute))
    return found


def epoch_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60
