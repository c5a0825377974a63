"""The contract between the proxy's hooks and whatever keeps usage: in memory or in a database.

Every method but `claim` is called on mitmproxy's event loop, so none may block: writes are queued
and reads answer from memory; `claim` runs in a worker thread while a request waits. Users are proxy
identities (None: anonymous); sites and rules are policy names.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol


class UsageSink(Protocol):
    shared: bool        # other proxies may charge the same budgets (then it is a SharedUsageSink)

    def minute(self, user: str | None, site: str, category: str, at: datetime,
               quota_rule: str | None = None) -> None:
        """`user` was active on `site` in the minute containing `at`.

        `quota_rule` names the quota rule that decided the request, when one did: its budget is then
        charged for that minute (once per user, rule and minute, whatever the number of sites).
        """

    def attempt(self, user: str | None, site: str, rule: str | None, kind: str, at: datetime) -> None:
        """A `blocked`, `warned` or `continued` attempt on `site` under `rule`."""

    def used_minutes(self, user: str | None, rule: str, period_start: datetime,
                     current: datetime | None = None) -> int:
        """Minutes charged to (`user`, quota `rule`) since `period_start` (from memory), not counting
        the minute `current` (the one the user is in: once charged, anywhere, it is paid for)."""

    def status(self) -> dict:
        """A small JSON-ready summary for logs and the status page (e.g. backlog, database state)."""

    def close(self) -> None:
        """Flush everything still queued; called once at shutdown."""


class SharedUsageSink(UsageSink, Protocol):
    """A sink other proxies share: what this process knows may be behind, so quota minutes are claimed."""

    def is_charged(self, user: str | None, rule: str, period_start: datetime, at: datetime) -> bool:
        """Shared sinks: the minute containing `at` is charged to (`user`, `rule`), as far as this process knows."""

    def quota_age(self, user: str | None, rule: str, period_start: datetime) -> float | None:
        """Shared sinks: clock seconds since what `used_minutes` says was read from the shared store;
        None: never (or this process's own charges are not reaching it)."""

    def claim(self, user: str | None, rule: str, period_start: datetime, at: datetime, limit: int,
              deadline: float | None = None) -> bool:
        """Shared sinks; blocking, never on the event loop: charge the minute of `at` in the shared store
        if fewer than `limit` minutes are charged since `period_start` (or it is already); True if charged.
        Past `deadline` (time.monotonic()) it raises instead of charging."""
