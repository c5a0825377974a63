"""Counting active minutes as the usage storage defines them, and reading quota usage back.

A minute is active for (user, site) when, in it, the user's client
- loads a page of the site (a navigation: `Sec-Fetch-Mode: navigate` or `Sec-Fetch-Dest` document or
  iframe), or sends it any request without Fetch metadata (a non-browser client, or plain HTTP,
  where browsers send none) — one such request is enough; or
- sends it BUSY or more other requests (fetch/XHR, images, a WebSocket handshake) and WebSocket
  messages in total. A background tab's poll, a few requests a minute, never adds up to that.
CORS preflights, WebSocket messages from the server, and bundle hosts (CDNs) never count. Plain
tunnels count the minute they open (nothing inside them is seen). Each (user, site, minute) reaches
the sink once from this proxy, however many requests the page makes.

Quotas: the minute a user is in is already paid for, so usage for a decision excludes the current
minute when it has been charged (by this proxy or another one on the same database): someone with 1
minute left keeps the whole of that minute, on every proxy. Before a note charges a new quota minute,
the quota gate may ask for it to be claimed in the database first (`quota_gate`: it raises, and
nothing is noted until the request is decided again).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mitmproxy import http

from policy.engine.decision import Decision
from policy.engine.reading import PAGE_LOADS
from proxy_addons.usage.contract import UsageSink
from proxy_addons.usage.memory_sink import minute_of

MAX_RECENT = 50_000
BUSY = 5     # requests and client messages in one minute that make it active without a navigation


def is_page_load(request: http.Request) -> bool:
    if request.method not in PAGE_LOADS:
        return False
    dest = request.headers.get("sec-fetch-dest")
    if dest is not None:
        return dest in ("document", "iframe")
    return "text/html" in request.headers.get("accept", "")


def activity(request: http.Request) -> int:
    """What one allowed request says about use: BUSY (the minute is active), 1 (one of BUSY), or 0.

    Runs for every allowed request to a counted site, so it reads the raw header fields once instead
    of asking `headers.get` (which decodes every field) twice."""
    mode = dest = None
    for name, value in request.headers.fields:
        if len(name) == 14:                              # len("sec-fetch-mode") == len("sec-fetch-dest")
            name = name.lower()
            if name == b"sec-fetch-mode":
                mode = value
            elif name == b"sec-fetch-dest":
                dest = value
    if mode is None or mode == b"navigate" or dest == b"document" or dest == b"iframe":
        return BUSY
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return 0                     # the browser's own CORS preflight: the request it precedes counts
    return 1


class UsageCounter:
    def __init__(self, sink: UsageSink) -> None:
        self.sink = sink
        self._recent: dict[tuple[str | None, str, str | None], tuple[datetime, int]] = {}   # minute, signals
        self.gate: Any = None                    # QuotaGate: checks a new quota minute before it is charged

    def count(self, user: str | None, decision: Decision, at: datetime) -> None:
        """`user` was active on the decided site at `at` (ignored for bundle hosts and unknown sites)."""
        self.note(user, decision, at, BUSY)

    def note(self, user: str | None, decision: Decision, at: datetime, signals: int) -> None:
        """`signals` of use (see `activity`) at `at`; the minute is active once it holds BUSY of them."""
        if signals <= 0 or decision.site is None or decision.bundle:
            return
        quota_rule = decision.rule if decision.rule_action == "quota" else None
        minute = minute_of(at)
        key = (user, decision.site, quota_rule)
        seen = self._recent.get(key)
        if seen is not None and seen[0] == minute:
            if seen[1] >= BUSY:
                return                           # already sent this minute
            signals += seen[1]
        elif len(self._recent) >= MAX_RECENT:
            self._recent.clear()
        if signals >= BUSY and quota_rule is not None and self.gate is not None:
            self.gate.check(user, decision, at)          # may raise QuotaClaimNeeded: nothing noted yet
        self._recent[key] = (minute, signals)
        if signals < BUSY:
            return
        self.sink.minute(user, decision.site, decision.category or "", at, quota_rule=quota_rule)

    def used_for(self, user: str | None, at: datetime) -> Callable[[str, datetime], int]:
        """The `used_minutes` callable for `Policy.decide`: charged minutes before the current one.

        Made for every request and called only for quota rules, so it does nothing until called."""
        def used(rule: str, period_start: datetime) -> int:
            return self.sink.used_minutes(user, rule, period_start, minute_of(at))
        return used
