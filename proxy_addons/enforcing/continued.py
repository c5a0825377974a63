"""Who chose "Continue" on a warn page, for which site and rule, and until when.

In memory on purpose: a Continue is a nudge acknowledged, not a grant worth persisting; after a
restart the warn page simply shows once more. Workers of one node (`watercooler proxy --workers N`)
share their Continues through the supervisor: `published` hears each new one, `merge` takes one
pressed on another worker.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

# (identity, rule, site, until, token nonce, token expiry): what another worker needs to honour it too.
Publisher = Callable[[str, str, str, datetime, str, int], None]

MAX_ENTRIES = 100_000


class ContinuedState:
    def __init__(self) -> None:
        self._until: dict[tuple[str, str, str], datetime] = {}
        self.published: Publisher | None = None

    def remember(self, identity: str, rule: str, site: str, now: datetime, minutes: int,
                 nonce: str = "", expires: int = 0) -> datetime:
        until = self.merge(identity, rule, site, until=now + timedelta(minutes=minutes), now=now)
        if self.published is not None:
            self.published(identity, rule, site, until, nonce, expires)
        return until

    def merge(self, identity: str, rule: str, site: str, until: datetime, now: datetime) -> datetime:
        """Hold a Continue until `until` (a later one already held wins); nothing is published."""
        if len(self._until) >= MAX_ENTRIES:
            self._forget_expired(now)
        held = self._until.get((identity, rule, site))
        if held is None or held < until:
            self._until[(identity, rule, site)] = until
        return self._until[(identity, rule, site)]

    def is_continued(self, identity: str, rule: str, site: str | None, now: datetime) -> bool:
        if site is None:
            return False
        until = self._until.get((identity, rule, site))
        return until is not None and until > now

    def until(self, identity: str, rule: str, site: str) -> datetime | None:
        return self._until.get((identity, rule, site))

    def _forget_expired(self, now: datetime) -> None:
        self._until = {key: until for key, until in self._until.items() if until > now}


class QuotaNotices:
    """The one-time "few minutes left" notice: shown once per identity, quota rule and period."""

    def __init__(self) -> None:
        self._shown: set[tuple[str, str, datetime]] = set()

    def due(self, identity: str, rule: str, period_start: datetime) -> bool:
        return (identity, rule, period_start) not in self._shown

    def mark_shown(self, identity: str, rule: str, period_start: datetime) -> None:
        if len(self._shown) >= MAX_ENTRIES:
            self._shown.clear()
        self._shown.add((identity, rule, period_start))


def notice_threshold(limit: int) -> float:
    """Minutes left at which the notice shows: 20% of the budget or 5 minutes, whichever is smaller."""
    return min(limit * 0.2, 5)
