"""Usage kept in this process's memory: quotas work on one proxy, and nothing survives a restart.

The default when no database is configured. It follows the `UsageSink` contract exactly, so the
durable sink from `storage/` can replace it without the hooks noticing.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

KEEP = timedelta(days=8)   # a weekly quota looks back at most 7 days


def minute_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


class MemorySink:
    shared = False      # this process is the only one counting: what it knows is always current

    def __init__(self) -> None:
        self.active: set[tuple[str | None, str, str, datetime]] = set()     # (user, site, category, minute)
        self.charged: dict[tuple[str | None, str], set[datetime]] = {}      # (user, quota rule) -> minutes
        self.attempts: Counter[tuple[str | None, str, str | None, str, str]] = Counter()
        self._newest: datetime | None = None

    def minute(self, user: str | None, site: str, category: str, at: datetime,
               quota_rule: str | None = None) -> None:
        start = minute_of(at)
        self.active.add((user, site, category, start))
        if quota_rule is not None:
            self.charged.setdefault((user, quota_rule), set()).add(start)
        self._prune(start)

    def attempt(self, user: str | None, site: str, rule: str | None, kind: str, at: datetime) -> None:
        self.attempts[(user, site, rule, kind, at.date().isoformat())] += 1

    def used_minutes(self, user: str | None, rule: str, period_start: datetime,
                     current: datetime | None = None) -> int:
        return sum(1 for start in self.charged.get((user, rule), ()) if start >= period_start and start != current)

    def status(self) -> dict:
        return {"sink": "memory", "active_minutes": len(self.active), "attempts": sum(self.attempts.values())}

    def close(self) -> None:
        pass

    def _prune(self, now: datetime) -> None:
        """Once an hour, forget minutes older than any quota period can reach."""
        if self._newest is not None and now - self._newest < timedelta(hours=1):
            return
        self._newest = now
        horizon = now - KEEP
        self.active = {entry for entry in self.active if entry[3] >= horizon}
        for key, minutes in self.charged.items():
            self.charged[key] = {start for start in minutes if start >= horizon}
