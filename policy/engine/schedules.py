"""Schedules compiled to sorted lists of instants at which membership flips.

A schedule's windows, laid on the calendar of the policy's zone, become intervals of instants
(see `policy.engine.localtime` for DST); overlapping intervals merge, so the sorted list of their ends
alternates "starts, stops, starts…". Membership is then a bisection, and the next change is the
next entry — exact, from the window boundaries, never by polling. Lists are built per 7-day chunk
on first use and a few chunks are kept.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, tzinfo

from policy.engine.localtime import CHUNKS_KEPT, HORIZON, chunk_dates, chunk_of, instant
from policy.model import Schedule, Window

_NEXT_DAY = timedelta(days=1)


class CompiledSchedule:
    def __init__(self, schedule: Schedule, zone: tzinfo) -> None:
        self.name = schedule.name
        self.schedule = schedule
        self.zone = zone
        self._chunks: dict[int, list[float]] = {}

    # -- the public, datetime face ------------------------------------------------------------
    def is_inside(self, at: datetime) -> bool:
        return self.inside_at(_timestamp(at, self.zone))

    def next_change(self, at: datetime, horizon: timedelta = timedelta(days=7)) -> datetime | None:
        """The first moment after `at` at which membership flips, if within `horizon`."""
        ts = _timestamp(at, self.zone)
        flip = self.next_flip(ts, min(horizon.total_seconds(), HORIZON))
        return None if flip is None else datetime.fromtimestamp(flip, self.zone)

    # -- the engine's face: epoch seconds -----------------------------------------------------
    def inside_at(self, ts: float) -> bool:
        return bisect_right(self.flips(chunk_of(ts)), ts) & 1 == 1

    def next_flip(self, ts: float, horizon: float = HORIZON) -> float | None:
        flips = self.flips(chunk_of(ts))
        index = bisect_right(flips, ts)
        if index < len(flips) and flips[index] <= ts + horizon:
            return flips[index]
        return None

    def flips(self, chunk: int) -> list[float]:
        """Sorted flip instants, exact for every instant from the chunk's start to a horizon past its end."""
        found = self._chunks.get(chunk)
        if found is None:
            if len(self._chunks) > CHUNKS_KEPT:
                self._chunks.clear()
            found = self._chunks[chunk] = _merge(self._intervals(chunk_dates(chunk, self.zone)))
        return found

    def _intervals(self, days: list[date]) -> list[tuple[float, float]]:
        intervals = []
        for day in days:
            for window in self.schedule.windows:
                if _applies(window, day):
                    start = instant(day, window.start, self.zone)
                    end_day = day + _NEXT_DAY if window.end <= window.start else day
                    end = instant(end_day, window.end, self.zone)
                    if end > start:          # a window wholly inside a DST gap never happens
                        intervals.append((start, end))
        return intervals


def _applies(window: Window, day: date) -> bool:
    if window.dates is not None and day not in window.dates:
        return False
    return window.days is None or day.weekday() in window.days


def _merge(intervals: list[tuple[float, float]]) -> list[float]:
    flips: list[float] = []
    for start, end in sorted(intervals):
        if flips and start <= flips[-1]:
            flips[-1] = max(flips[-1], end)
        else:
            flips += [start, end]
    return flips


def _timestamp(at: datetime, zone: tzinfo) -> float:
    """Naive datetimes are wall-clock times in the policy's zone."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=zone)).timestamp()
