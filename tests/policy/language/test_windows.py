"""Schedules as `Window`s: days or dates, from/to with defaults, crossing midnight, and mistakes in place."""
from __future__ import annotations

from datetime import date

from tests.support.rule_files import loaded, place, problems, with_header, write_rules


def test_windows_as_minutes_and_days(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        schedules:
          lunch:
            - {days: mon-fri, from: 12:00, to: 13:30}
          evenings:
            - {days: [mon, tue], from: "18:00", to: "07:00"}
            - {days: fri, from: "18:00", to: "00:00"}
          weekends:
            - days: sat,sun
          holidays:
            - {dates: [2026-12-24, 2026-12-31], from: "12:00"}
        """))
    schedules = loaded(folder).schedules
    (lunch,) = schedules["lunch"].windows
    assert (lunch.days, lunch.dates, lunch.start, lunch.end) == (frozenset(range(5)), None, 720, 810)
    night, friday = schedules["evenings"].windows
    assert (night.days, night.start, night.end) == ({0, 1}, 1080, 420)   # crosses midnight
    assert (friday.start, friday.end) == (1080, 1440)                     # "until 00:00": until midnight
    (weekend,) = schedules["weekends"].windows
    assert (weekend.days, weekend.start, weekend.end) == ({5, 6}, 0, 1440)
    (holiday,) = schedules["holidays"].windows
    assert (holiday.days, holiday.dates, holiday.start, holiday.end) == (
        None, {date(2026, 12, 24), date(2026, 12, 31)}, 720, 1440)


def test_window_mistakes(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        schedules:
          s:
            - {days: mon-fri, from: "25:00", to: "13:00"}
            - {days: [], from: "24:00"}
            - {days: mon-fry}
            - {from: "10:00"}
            - {days: daily, dates: [2026-02-30]}
            - {days: daily, from: "09:00", to: "09:00"}
        """))
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, '\"25')}: invalid time '25:00' in window 1 of schedule 's'; "
        "hours run from 00 to 23 (24:00 only as 'to')",
        f"{place(main, '[]')}: empty days in window 2 of schedule 's'; "
        "write days like mon-fri, sat,sun, daily, or a list such as [mon, wed]",
        f"{place(main, '\"24')}: invalid time '24:00': a window cannot start at 24:00 in window 2 of schedule 's'; "
        "start at 00:00 instead",
        f"{place(main, 'mon-fry')}: unknown day 'fry' in window 3 of schedule 's'; did you mean 'fri'?",
        f"{place(main, '{from')}: no 'days' or 'dates' in window 4 of schedule 's'; "
        "add 'days: daily' for every day, or 'dates: [YYYY-MM-DD]'",
        f"{place(main, '[2026')}: both 'days' and 'dates' in window 5 of schedule 's'; "
        "use two windows: one with days, one with dates",
        f"{place(main, '2026-02-30')}: invalid date '2026-02-30' in window 5 of schedule 's'; "
        "write a real date as YYYY-MM-DD, e.g. 2026-12-24",
        f"{place(main, '\"09:00\"}')}: 'from' and 'to' are both 09:00 in window 6 of schedule 's'; "
        "for the whole day leave out from and to; otherwise make them differ"]


def test_a_comma_inside_braces_separates_keys(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        schedules:
          weekends:
            - {days: sat,sun}
        """))
    assert problems(folder) == [
        f"{place(folder / 'main.yaml', 'sun}')}: unknown key 'sun' in window 1 of schedule 'weekends'; "
        "inside { } a comma separates keys: write days: [sat, sun], or quote \"sat,sun\""]
