"""Reading quota charges back: which minutes each user has been charged since a moment."""
from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.usage.tables import QuotaCharge

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


def all_charges_since(engine: Engine, start: datetime) -> dict[tuple[str, str], array[int]]:
    """(user, rule) -> sorted epoch minutes charged at or after `start`: compact, for a start-up preload."""
    found: dict[tuple[str, str], array[int]] = {}
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=5000).execute(
            select(QuotaCharge.user_name, QuotaCharge.rule, QuotaCharge.minute)
            .where(QuotaCharge.minute >= start).order_by(QuotaCharge.minute))
        for user, rule, minute in rows:
            found.setdefault((user, rule), array("q")).append(epoch_minute(minute))
    return found


def epoch_minute(moment: datetime) -> int:
    return int(moment.timestamp()) // 60


def used_minutes(db: Session, user: str | None, now: datetime) -> Callable[[str, datetime], int]:
    """`used_minutes` for `Policy.decide`, as the proxy counts it: minutes charged to (user, rule)
    since the period began, not counting the minute `now` is in (already paid for when charged)."""
    current = now.astimezone(timezone.utc).replace(second=0, microsecond=0)
    seen: dict[tuple[str, datetime], int] = {}

    def used(rule: str, period_start: datetime) -> int:
        key = (rule, period_start)
        if key not in seen:
            seen[key] = int(db.scalar(select(func.count()).select_from(QuotaCharge).where(
                QuotaCharge.user_name == (user or ""), QuotaCharge.rule == rule,
                QuotaCharge.minute >= period_start, QuotaCharge.minute != current)) or 0)
        return seen[key]
    return used
