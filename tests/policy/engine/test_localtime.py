"""Wall-clock times become instants the same way on ordinary and on DST days."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from policy.engine.localtime import Periods, instant

BERLIN = ZoneInfo("Europe/Berlin")
SANTIAGO = ZoneInfo("America/Santiago")
UTC = timezone.utc


def utc(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()


def test_ordinary_wall_time_is_that_moment():
    assert instant(date(2026, 11, 26), 12 * 60, BERLIN) == utc(2026, 11, 26, 11, 0)
    assert instant(date(2026, 11, 26), 1440, BERLIN) == utc(2026, 11, 26, 23, 0)   # 24:00 = next midnight


def test_a_skipped_wall_time_means_the_moment_the_clock_jumps():
    # Berlin, 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 never shows.
    assert datetime(2026, 3, 29, 2, 30, tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN).hour == 3
    assert instant(date(2026, 3, 29), 150, BERLIN) == utc(2026, 3, 29, 1, 0)
    assert instant(date(2026, 3, 29), 120, BERLIN) == utc(2026, 3, 29, 1, 0)
    assert instant(date(2026, 3, 29), 180, BERLIN) == utc(2026, 3, 29, 1, 0)       # 03:00 CEST itself


def test_a_repeated_wall_time_means_its_first_occurrence():
    # Berlin, 25 October 2026: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    assert instant(date(2026, 10, 25), 150, BERLIN) == utc(2026, 10, 25, 0, 30)


def test_a_day_without_local_midnight_starts_when_the_clock_jumps():
    # Santiago, 6 September 2026: 00:00 (-04) jumps to 01:00 (-03) at 04:00 UTC.
    midnight = datetime(2026, 9, 6, 0, 0, tzinfo=SANTIAGO)
    assert midnight.astimezone(UTC).astimezone(SANTIAGO).hour == 1                   # no local midnight
    assert instant(date(2026, 9, 6), 0, SANTIAGO) == utc(2026, 9, 6, 4, 0)


def test_day_periods_follow_the_local_calendar_across_dst():
    periods = Periods(BERLIN)
    start, reset, reset_ts = periods.period(utc(2026, 3, 29, 12, 0), "day")
    assert (start.isoformat(), reset.isoformat()) == ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00")
    assert reset_ts == reset.timestamp()
    assert reset.timestamp() - start.timestamp() == 23 * 3600                        # spring forward


def test_week_periods_start_on_monday():
    periods = Periods(BERLIN)
    start, reset, _ = periods.period(utc(2026, 11, 29, 22, 59), "week")             # Sunday 23:59 Berlin
    assert (start.isoformat(), reset.isoformat()) == ("2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00")
    start, _, _ = periods.period(utc(2026, 11, 29, 23, 0), "week")                  # Monday 00:00 Berlin
    assert start.isoformat() == "2026-11-30T00:00:00+01:00"


def test_the_day_without_midnight_is_a_23_hour_period_from_0100():
    periods = Periods(SANTIAGO)
    start, reset, _ = periods.period(utc(2026, 9, 6, 12, 0), "day")
    assert start.isoformat() == "2026-09-06T01:00:00-03:00"
    assert reset.isoformat() == "2026-09-07T00:00:00-03:00"
    before, _, _ = periods.period(utc(2026, 9, 6, 3, 59, 59), "day")                # the last second of the 5th
    assert before.date() == date(2026, 9, 5)
