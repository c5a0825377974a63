"""Schedules: named lists of windows (days or dates, optionally from/to), as the model's `Window`s.

A window without from/to is the whole day. `to` not after `from` crosses midnight, and such a window
belongs to the day it starts on; `to: "00:00"` means until midnight.
"""
from __future__ import annotations

from policy.language.timeparse import parse_date, parse_days, parse_time
from policy.loading.merge import Entry
from policy.loading.problems import Invalid, Problem
from policy.model import Schedule, Window


def build_schedules(entries: dict[str, Entry], problems: list[Problem]) -> dict[str, Schedule]:
    schedules = {}
    for name, entry in entries.items():
        windows = []
        for index, raw in enumerate(entry.value or []):
            where = Entry(entry.doc, entry.path + (index,), raw)
            found: list[Problem] = []
            window = _window(where, f"window {index + 1} of schedule '{name}'", found)
            problems += found
            if window and not found:
                windows.append(window)
        schedules[name] = Schedule(name, tuple(windows), entry.key_at())
    return schedules


def _window(entry: Entry, label: str, problems: list[Problem]) -> Window | None:
    def fail(key: str | None, message: str, fix: str) -> None:
        problems.append(Problem.at(entry.at(key) if key else entry.at(), f"{message} in {label}", fix))

    has_days, has_dates = "days" in entry.value, "dates" in entry.value
    if has_days and has_dates:
        fail("dates", "both 'days' and 'dates'", "use two windows: one with days, one with dates")
    if not (has_days or has_dates):
        fail(None, "no 'days' or 'dates'", "add 'days: daily' for every day, or 'dates: [YYYY-MM-DD]'")
    days = dates = None
    try:
        if has_days:
            days = parse_days(entry.value["days"])
    except Invalid as exc:
        fail("days", exc.message, exc.fix)
    if has_dates:
        dates = set()
        for index, text in enumerate(entry.value["dates"]):
            try:
                dates.add(parse_date(text))
            except Invalid as exc:
                problems.append(Problem.at(entry.at("dates", index), f"{exc.message} in {label}", exc.fix))
        if not entry.value["dates"]:
            fail("dates", "empty dates", "list at least one date, e.g. [2026-12-24]")
    bounds = {}
    for key, default in (("from", 0), ("to", 24 * 60)):
        try:
            bounds[key] = parse_time(entry.value[key], end=key == "to") if key in entry.value else default
        except Invalid as exc:
            fail(key, exc.message, exc.fix)
    start, end = bounds.get("from"), bounds.get("to")
    if start is not None and end is not None:
        if end == 0 and start > 0:
            end = 24 * 60   # "until 00:00": until midnight
        if end == start:
            fail("to", f"'from' and 'to' are both {entry.value.get('from', '00:00')}",
                 "for the whole day leave out from and to; otherwise make them differ")
    if problems or start is None or end is None:    # a bound that did not parse is one of the problems
        return None
    return Window(frozenset(days) if days is not None else None, frozenset(dates) if dates is not None else None,
                  start, end, entry.at())
