"""Times of day, days and dates as written in schedule windows."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st

from policy.language.timeparse import parse_date, parse_days, parse_time
from policy.loading.problems import Invalid


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_clock_time_is_minutes_since_midnight(hours, minutes):
    assert parse_time(f"{hours:02d}:{minutes:02d}") == hours * 60 + minutes
    assert parse_time(f"{hours:02d}:{minutes:02d}", end=True) == hours * 60 + minutes


def test_24_00_only_as_an_end():
    assert parse_time("24:00", end=True) == 1440
    with pytest.raises(Invalid, match="a window cannot start at 24:00"):
        parse_time("24:00")


@pytest.mark.parametrize("text, fix", [("25:00", "hours run from 00 to 23 (24:00 only as 'to')"),
                                       ("24:30", "hours run from 00 to 23 (24:00 only as 'to')"),
                                       ("12:60", "minutes run from 00 to 59"),
                                       ("noon", "write a time of day as HH:MM, e.g. 09:00 or 17:30")])
def test_invalid_times(text, fix):
    with pytest.raises(Invalid) as caught:
        parse_time(text, end=True)
    assert (caught.value.message, caught.value.fix) == (f"invalid time '{text}'", fix)


@pytest.mark.parametrize("spec, days", [
    ("mon-fri", {0, 1, 2, 3, 4}), ("sat,sun", {5, 6}), ("daily", set(range(7))), ("Wed", {2}),
    (["mon", "thu"], {0, 3}), ("fri-mon", {4, 5, 6, 0}), ("weekends", {5, 6}), ("weekdays", set(range(5))),
    ("monday, tuesday", {0, 1}), (["mon-wed", "sun"], {0, 1, 2, 6})])
def test_day_specs(spec, days):
    assert parse_days(spec) == days


@pytest.mark.parametrize("spec", ["", [], " ", [""]])
def test_empty_days(spec):
    with pytest.raises(Invalid, match=r"^empty days$"):
        parse_days(spec)


def test_unknown_day_suggests():
    with pytest.raises(Invalid) as caught:
        parse_days("mon-fry")
    assert (caught.value.message, caught.value.fix) == ("unknown day 'fry'", "did you mean 'fri'?")


def test_dates():
    assert parse_date("2026-12-24") == date(2026, 12, 24)
    with pytest.raises(Invalid, match="invalid date '2026-02-30'"):
        parse_date("2026-02-30")
