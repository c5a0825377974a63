"""Wall-clock times of the policy's zone turned into instants, DST gaps and repeats included.

The engine works on instants (epoch seconds) so that comparing, sorting and bisecting is cheap and
exact; wall-clock times appear only where a schedule or a quota period is defined. Two rules settle
what a wall time means on a DST day:
- a repeated time (autumn: 02:30 happens twice in Berlin) means its first occurrence;
- a skipped time (spring: 02:30 never happens) means the moment the clock jumps past it — the first
  instant at which a wall clock shows a later time. So a day without local midnight (Santiago, Havana:
  clocks jump from 00:00 to 01:00) starts at its 01:00.
Weeks start on Monday.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

DAY = 86400.0
WEEK = 7 * DAY
CHUNK = WEEK                    # caches cover time in 7-day chunks of epoch time
CHUNKS_KEPT = 16                # chunks a cache keeps: a replay of 90 days never refills one
HORIZON = 7 * DAY               # `until` and `next_change` look this far ahead

Period = tuple[datetime, datetime, float]   # start, reset, reset in epoch seconds


@lru_cache(maxsize=65536)
def instant(day: date, minute: int, zone: tzinfo) -> float:
    """Epoch seconds of `minute` (0..1440) past the start of local `day`, per the rules above."""
    wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    first = wall.replace(tzinfo=zone).timestamp()           # fold=0: first occurrence
    if datetime.fromtimestamp(first, zone).replace(tzinfo=None) == wall:
        return first
    # Skipped: fold=0 reads the wall time with the offset from before the jump, which lands after
    # the jump; fold=1 lands before it. The jump lies between; find it to the second.
    before, after = int(wall.replace(tzinfo=zone, fold=1).timestamp()), int(first)
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).replace(tzinfo=None) >= wall:
            after = middle
        else:
            before = middle
    return float(after)


def local_date(ts: float, zone: tzinfo) -> date:
    return datetime.fromtimestamp(ts, zone).date()


def chunk_of(ts: float) -> int:
    return int(ts // CHUNK)


def chunk_dates(chunk: int, zone: tzinfo) -> list[date]:
    """Local dates whose windows can matter for instants in [chunk start, chunk end + HORIZON]:
    two days of margin on each side cover windows crossing midnight and any UTC offset."""
    first = local_date(chunk * CHUNK, zone) - timedelta(days=2)
    last = local_date((chunk + 1) * CHUNK + HORIZON, zone) + timedelta(days=2)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class Periods:
    """Quota periods (local days, weeks from Monday) of one zone, as instants and aware datetimes."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._chunks: dict[int, tuple[list[float], dict[str, list[Period]]]] = {}

    def period(self, ts: float, per: str) -> Period:
        """(start, reset, reset in epoch seconds) of the day or week containing `ts`, aware in the zone."""
        chunk = self._chunks.get(int(ts // CHUNK))
        if chunk is None:
            chunk = self._chunk(int(ts // CHUNK))
        return chunk[1][per][bisect_right(chunk[0], ts) - 1]

    def _chunk(self, chunk: int) -> tuple[list[float], dict[str, list[Period]]]:
        if len(self._chunks) > CHUNKS_KEPT:
            self._chunks.clear()
        days = chunk_dates(chunk, self.zone)
        starts = [instant(day, 0, self.zone) for day in days]
        periods = {
            "day": [self._bounds(day, day + timedelta(days=1)) for day in days],
            "week": [self._bounds(day - timedelta(days=day.weekday()),
                                  day + timedelta(days=7 - day.weekday())) for day in days],
        }
        found = self._chunks[chunk] = (starts, periods)
        return found

    def _bounds(self, start: date, end: date) -> Period:
        reset = instant(end, 0, self.zone)
        return (datetime.fromtimestamp(instant(start, 0, self.zone), self.zone),
                datetime.fromtimestamp(reset, self.zone), reset)
