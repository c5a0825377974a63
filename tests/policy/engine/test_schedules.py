"""Schedules: membership and the exact next change, across midnight, whole days and DST."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from policy.engine.schedules import CompiledSchedule
from tests.support.policies import schedule, window

BERLIN = ZoneInfo("Europe/Berlin")
SANTIAGO = ZoneInfo("America/Santiago")
HAVANA = ZoneInfo("America/Havana")
UTC = timezone.utc
DAILY = range(7)


def compiled(*windows, zone=BERLIN) -> CompiledSchedule:
    return CompiledSchedule(schedule("s", *windows), zone)


def berlin(*parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=BERLIN, fold=fold)


def test_lunch_on_weekdays():
    lunch = compiled(window(start="12:00", end="13:00"))
    assert lunch.is_inside(berlin(2026, 11, 26, 12, 0))          # Thursday
    assert not lunch.is_inside(berlin(2026, 11, 26, 13, 0))      # `to` is exclusive
    assert not lunch.is_inside(berlin(2026, 11, 28, 12, 30))     # Saturday
    assert lunch.next_change(berlin(2026, 11, 26, 9, 0)) == berlin(2026, 11, 26, 12, 0)
    assert lunch.next_change(berlin(2026, 11, 26, 12, 0)) == berlin(2026, 11, 26, 13, 0)
    assert lunch.next_change(berlin(2026, 11, 27, 14, 0)) == berlin(2026, 11, 30, 12, 0)  # Fri → Mon


def test_a_window_crossing_midnight_belongs_to_the_day_it_starts_on():
    evenings = compiled(window(start="18:00", end="07:00"))      # Monday to Friday
    assert evenings.is_inside(berlin(2026, 11, 27, 23, 0))       # Friday night
    assert evenings.is_inside(berlin(2026, 11, 28, 6, 59))       # Saturday morning: Friday's window
    assert not evenings.is_inside(berlin(2026, 11, 28, 18, 0))   # Saturday evening
    assert not evenings.is_inside(berlin(2026, 11, 30, 6, 0))    # Monday morning: Sunday has none
    assert evenings.next_change(berlin(2026, 11, 27, 19, 0)) == berlin(2026, 11, 28, 7, 0)
    assert evenings.next_change(berlin(2026, 11, 28, 7, 0)) == berlin(2026, 11, 30, 18, 0)


def test_whole_dates_merge_and_end_at_the_next_midnight():
    holidays = compiled(window(days=None, dates=[date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 31)]))
    assert holidays.next_change(berlin(2026, 12, 23, 10, 0)) == berlin(2026, 12, 24, 0, 0)
    assert holidays.next_change(berlin(2026, 12, 24, 10, 0)) == berlin(2026, 12, 26, 0, 0)
    assert holidays.is_inside(berlin(2026, 12, 31, 23, 59))
    assert not holidays.is_inside(berlin(2027, 1, 1, 0, 0))


def test_dates_with_times():
    party = compiled(window(days=None, dates=[date(2026, 12, 18)], start="16:00", end="02:00"))
    assert party.is_inside(berlin(2026, 12, 19, 1, 0))
    assert party.next_change(berlin(2026, 12, 18, 17, 0)) == berlin(2026, 12, 19, 2, 0)


def test_next_change_looks_at_most_the_horizon_ahead():
    far = compiled(window(days=None, dates=[date(2026, 12, 24)]))
    assert far.next_change(berlin(2026, 12, 10, 12, 0)) is None
    assert far.next_change(berlin(2026, 12, 20, 12, 0)) == berlin(2026, 12, 24, 0, 0)
    assert far.next_change(berlin(2026, 12, 20, 12, 0), horizon=timedelta(days=1)) is None
    always = compiled(window(days=DAILY))
    assert always.is_inside(berlin(2026, 6, 1, 3, 0)) and always.next_change(berlin(2026, 6, 1)) is None


def test_naive_times_are_wall_clock_in_the_policy_zone():
    lunch = compiled(window(start="12:00", end="13:00"))
    assert lunch.is_inside(datetime(2026, 11, 26, 12, 30))
    assert not lunch.is_inside(datetime(2026, 11, 26, 12, 30, tzinfo=UTC))   # 13:30 in Berlin


def test_spring_forward_a_boundary_at_0230_flips_when_the_clock_jumps():
    # 29 March 2026, Berlin: 02:00 CET jumps to 03:00 CEST; 02:30 never happens.
    early = compiled(window(days=[6], start="02:30", end="04:00"))
    assert not early.is_inside(berlin(2026, 3, 29, 1, 59))
    jump = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert early.is_inside(jump)
    assert early.next_change(berlin(2026, 3, 29, 0, 0)) == jump
    assert early.next_change(jump) == berlin(2026, 3, 29, 4, 0)
    never = compiled(window(days=[6], start="02:00", end="02:45"))             # wholly inside the gap
    assert not never.is_inside(jump)
    assert never.next_change(berlin(2026, 3, 29, 0, 0)) is None                 # next Sunday is > 7 days on
    assert never.next_change(berlin(2026, 3, 29, 3, 0)) == berlin(2026, 4, 5, 2, 0)


def test_fall_back_the_repeated_0230_is_its_first_occurrence():
    # 25 October 2026, Berlin: 02:00–03:00 happens twice (CEST, then CET).
    from_0230 = compiled(window(days=[6], start="02:30", end="04:00"))
    first = berlin(2026, 10, 25, 2, 30, fold=0)
    assert first.utcoffset() == timedelta(hours=2)
    assert from_0230.next_change(berlin(2026, 10, 25, 0, 0)) == first
    assert from_0230.is_inside(berlin(2026, 10, 25, 2, 10, fold=1))            # the second 02:10 is later
    until_0230 = compiled(window(days=[6], start="00:00", end="02:30"))
    assert until_0230.next_change(berlin(2026, 10, 25, 1, 0)) == first
    assert not until_0230.is_inside(berlin(2026, 10, 25, 2, 10, fold=1))


def test_a_day_without_local_midnight_starts_its_windows_at_the_jump():
    # Santiago 6 Sep 2026 and Havana 8 Mar 2026: the clock jumps from 00:00 to 01:00.
    for zone, day, jump_utc in ((SANTIAGO, date(2026, 9, 6), datetime(2026, 9, 6, 4, tzinfo=UTC)),
                                (HAVANA, date(2026, 3, 8), datetime(2026, 3, 8, 5, tzinfo=UTC))):
        assert jump_utc.astimezone(zone).hour == 1 and (jump_utc - timedelta(seconds=1)).astimezone(zone).hour == 23
        whole_day = compiled(window(days=None, dates=[day]), zone=zone)
        assert not whole_day.is_inside(jump_utc - timedelta(seconds=1))
        assert whole_day.is_inside(jump_utc)
        assert whole_day.next_change(jump_utc - timedelta(hours=5)) == jump_utc
        first_hour = compiled(window(days=[day.weekday()], start="00:00", end="01:00"), zone=zone)
        assert first_hour.next_change(jump_utc - timedelta(hours=5)) != jump_utc   # that hour never happens


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                        timezones=st.just(UTC))


@settings(max_examples=60, deadline=None)
@given(instants, st.sampled_from([BERLIN, SANTIAGO, HAVANA]))
def test_membership_holds_until_next_change_and_flips_there(at, zone):
    mixed = compiled(window(start="12:00", end="13:00"), window(days=[4], start="18:00", end="07:00"),
                     window(days=None, dates=[date(2026, 12, 24), date(2027, 9, 6)]), zone=zone)
    change = mixed.next_change(at)
    state = mixed.is_inside(at)
    end = change or at + timedelta(days=7)
    step = (end - at) / 17
    assert all(mixed.is_inside(at + step * n) == state for n in range(17))
    if change is not None:
        assert change > at and mixed.is_inside(change) != state
        assert mixed.is_inside(change - timedelta(microseconds=1)) == state


@settings(max_examples=60, deadline=None)
@given(instants)
def test_membership_matches_the_wall_clock_away_from_dst(at):
    mixed = compiled(window(start="12:00", end="13:00"), window(start="18:00", end="07:00"))
    local = at.astimezone(BERLIN)
    minute = local.hour * 60 + local.minute
    yesterday = (local.weekday() - 1) % 7
    expected = (local.weekday() < 5 and (720 <= minute < 780 or minute >= 1080)) or (yesterday < 5 and minute < 420)
    assert mixed.is_inside(at) == expected
