"""Counting active minutes as the usage storage defines them, and reading quota usage back.

A user is active on a site in a minute when a page of it passes (a document request: GET with
`Sec-Fetch-Dest: document`, or without Fetch metadata an `Accept: text/html`), when a WebSocket
message passes, or when a tunnel to it opens. Bundle hosts (CDNs) never count. Each (user, site,
minute) reaches the sink once from this proxy, however many requests the page makes.

Quotas: the minute a user is in is already paid for, so usage for a decision excludes the current
minute when it has been charged: someone with 1 minute left keeps the whole of that minute.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from mitmproxy import http

from proxy_addons.memory_sink import minute_of
from proxy_addons.usage_sink import UsageSink

MAX_RECENT = 50_000


def is_page_load(request: http.Request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    dest = request.headers.get("sec-fetch-dest")
    if dest is not None:
        return dest in ("document", "iframe")
    return "text/html" in request.headers.get("accept", "")


class UsageCounter:
    def __init__(self, sink: UsageSink) -> None:
        self.sink = sink
        self._recent: dict[tuple[str | None, str, str | None], datetime] = {}   # last minute sent
        self._charged: dict[tuple[str | None, str], datetime] = {}               # (user, quota rule)

    def count(self, user: str | None, decision: Any, at: datetime) -> None:
        """`user` was active on the decided site at `at` (ignored for bundle hosts and unknown sites)."""
        if decision.site is None or decision.bundle:
            return
        quota_rule = decision.rule if decision.rule_action == "quota" else None
        minute = minute_of(at)
        key = (user, decision.site, quota_rule)
        if self._recent.get(key) == minute:
            return
        if len(self._recent) >= MAX_RECENT:
            self._recent.clear()
            self._charged.clear()
        self._recent[key] = minute
        if quota_rule is not None:
            self._charged[(user, quota_rule)] = minute
        self.sink.minute(user, decision.site, decision.category or "", at, quota_rule=quota_rule)

    def used_for(self, user: str | None, at: datetime) -> Callable[[str, datetime], int]:
        """The `used_minutes` callable for `Policy.decide`: charged minutes before the current one.

        Made for every request and called only for quota rules, so it does nothing until called."""
        def used(rule: str, period_start: datetime) -> int:
            total = self.sink.used_minutes(user, rule, period_start)
            return max(0, total - 1) if self._charged.get((user, rule)) == minute_of(at) else total
        return used
