"""Usage per policy-local day, user and site: active minutes and blocked/warned/continued attempts.

What `watercooler usage` prints; two grouped queries on the (day, ...) indexes, merged here.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Engine, func, select

from storage.usage.tables import ActiveMinute, Attempt

KINDS = ("blocked", "warned", "continued")


@dataclass(frozen=True)
class UsageRow:
    day: date
    user: str                  # "" for anonymous
    site: str
    minutes: int = 0
    blocked: int = 0
    warned: int = 0
    continued: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "day": self.day.isoformat(), "user": self.user or None}


def usage_rows(engine: Engine, *, since: date | None = None, until: date | None = None,
               users: Collection[str] | None = None, site: str | None = None) -> list[UsageRow]:
    """Rows sorted by day, user and site; `since`/`until` are inclusive policy-local days."""
    def where(model: type[ActiveMinute] | type[Attempt]) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if since:
            conditions.append(model.day >= since)
        if until:
            conditions.append(model.day <= until)
        if users is not None:
            conditions.append(model.user_name.in_(sorted(users)))
        if site:
            conditions.append(model.site == site)
        return conditions

    rows: dict[tuple[date, str, str], dict[str, int]] = {}
    with engine.connect() as conn:
        minutes = conn.execute(
            select(ActiveMinute.day, ActiveMinute.user_name, ActiveMinute.site, func.count())
            .where(*where(ActiveMinute))
            .group_by(ActiveMinute.day, ActiveMinute.user_name, ActiveMinute.site))
        for day, user, site_name, count in minutes:
            rows.setdefault((day, user, site_name), {})["minutes"] = count
        attempts = conn.execute(
            select(Attempt.day, Attempt.user_name, Attempt.site, Attempt.kind, func.sum(Attempt.count))
            .where(*where(Attempt), Attempt.kind.in_(KINDS))
            .group_by(Attempt.day, Attempt.user_name, Attempt.site, Attempt.kind))
        for day, user, site_name, kind, count in attempts:
            rows.setdefault((day, user, site_name), {})[kind] = int(count)
    return [UsageRow(day, user, site_name, minutes=counts.get("minutes", 0), blocked=counts.get("blocked", 0),
                     warned=counts.get("warned", 0), continued=counts.get("continued", 0))
            for (day, user, site_name), counts in sorted(rows.items())]
