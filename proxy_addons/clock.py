"""The proxy's sense of "now": the real clock, or a test clock that starts at a given moment.

Every decision and every minute of usage is stamped by one `Clock`, so a test can put the proxy at
12:59:57 on a Thursday (and make minutes pass quickly) without waiting for real lunch breaks. Several
proxies given the same `@UNIX-TIME` anchor read the same moment at the same instant, as real proxies
with synchronised clocks do.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone


class Clock:
    """Real time: aware UTC datetimes, and real seconds until a moment."""

    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def seconds_until(self, moment: datetime) -> float:
        """Real (loop) seconds until `moment` on this clock; never negative."""
        return max(0.0, (moment - self.now()).total_seconds() / self.speed)

    def ticks(self) -> float:
        """Monotonic seconds at this clock's speed: for ages and timeouts measured in policy time."""
        return time.monotonic() * self.speed


class SimulatedClock(Clock):
    """Reads `start` when created (or at real UNIX time `anchor`) and runs `speed` times faster."""

    def __init__(self, start: datetime, speed: float = 1.0, anchor: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("the test clock's start needs a UTC offset, e.g. 2026-11-26T12:59:57+01:00")
        if speed <= 0:
            raise ValueError("the test clock's speed must be a positive number")
        self.start = start
        self.speed = speed
        self._origin = time.monotonic() - (time.time() - anchor if anchor is not None else 0.0)

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        return datetime.fromtimestamp(self.start.timestamp() + elapsed, timezone.utc)


def parse_clock(spec: str) -> Clock:
    """`""` is real time; `ISO-8601[xSPEED][@UNIX-TIME]` is a test clock (e.g. `2026-11-26T12:59:57+01:00x60`)."""
    if not spec:
        return Clock()
    spec_moment, _, anchor = spec.partition("@")
    moment, _, speed = spec_moment.partition("x")
    try:
        return SimulatedClock(datetime.fromisoformat(moment), float(speed) if speed else 1.0,
                              float(anchor) if anchor else None)
    except ValueError as exc:
        raise ValueError(f"watercooler_test_clock {spec!r}: {exc}") from None
