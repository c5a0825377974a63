"""The contract between the proxy's hooks and whatever keeps usage: in memory or in a database.

Every method is called on mitmproxy's event loop, so none may block: writes are queued and reads
answer from memory. Users are proxy identities (None: anonymous); sites and rules are policy names.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol


class UsageSink(Protocol):
    def minute(self, user: str | None, site: str, category: str, at: datetime,
               quota_rule: str | None = None) -> None:
        """`user` was active on `site` in the minute containing `at`.

        `quota_rule` names the quota rule that decided the request, when one did: its budget is then
        charged for that minute (once per user, rule and minute, whatever the number of sites).
        """

    def attempt(self, user: str | None, site: str, rule: str | None, kind: str, at: datetime) -> None:
        """A `blocked`, `warned` or `continued` attempt on `site` under `rule`."""

    def used_minutes(self, user: str | None, rule: str, period_start: datetime) -> int:
        """Minutes charged to (`user`, quota `rule`) since `period_start` (from memory)."""

    def status(self) -> dict:
        """A small JSON-ready summary for logs and the status page (e.g. backlog, database state)."""

    def close(self) -> None:
        """Flush everything still queued; called once at shutdown."""
