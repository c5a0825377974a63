"""The sentences of `policy.words.openings`: the usual week in one line and the dates that differ.

"Open to you: Mon–Thu 12:00–13:30 and 18:00–07:00; Fri 12:00–13:30 and from 18:00; Sat, Sun all day;
also 24, 25 and 31 Dec all day; at other times within your budget of 30 minutes a day."
"""
from __future__ import annotations

from datetime import date

from policy.words.openings import Day, Pattern

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_OTHER = {"budget": "within your budget of {budget}", "asks": "after a reminder", "reading": "to read only"}


def opens_sentence(found: Pattern, lead: str = "Open to you") -> str:
    """'Open to you: …' naming only times the engine confirmed; '' when nothing is ever open."""
    free = {weekday: _free(day) for weekday, day in found.week.items()}
    parts = [f"{_weekdays(days)} {times}" for times, days in _grouped(free)]
    special = [(day, _free(pieces)) for day, pieces in found.exceptions]
    if special:
        parts.append("also " + "; ".join(f"{_dates(days)} {times or 'closed'}"
                                         for times, days in _grouped_dates(special)))
    others = [kind for kind in ("budget", "asks", "reading") if kind in found.kinds]
    budget = f"{found.budget[0]} minutes a {found.budget[1]}" if found.budget else ""
    other = " and ".join(_OTHER[kind].format(budget=budget) for kind in others)
    if not parts and not other:
        return ""
    if not parts:
        return f"{lead} {other}."
    return f"{lead}: " + "; ".join(parts) + (f"; at other times {other}" if other else "") + "."


def _free(day: Day) -> str:
    times = []
    for start, end, kind in day:
        if kind != "free":
            continue
        if (start, end) == (0, 1440):
            times.append("all day")
        elif end == 1440:
            times.append(f"from {_clock(start)}")
        else:
            times.append(f"{_clock(start)}–{_clock(end)}")
    return " and ".join(times)


def _grouped(free: dict[int, str]) -> list[tuple[str, list[int]]]:
    groups: dict[str, list[int]] = {}
    for weekday in range(7):
        if free.get(weekday):
            groups.setdefault(free[weekday], []).append(weekday)
    return sorted(groups.items(), key=lambda item: item[1][0])


def _grouped_dates(special: list[tuple[date, str]]) -> list[tuple[str, list[date]]]:
    groups: dict[str, list[date]] = {}
    for day, times in special:
        groups.setdefault(times, []).append(day)
    return sorted(groups.items(), key=lambda item: item[1][0])


def _weekdays(days: list[int]) -> str:
    if len(days) == 7:
        return "every day"
    if len(days) >= 3 and days[-1] - days[0] == len(days) - 1:
        return f"{_DAYS[days[0]]}–{_DAYS[days[-1]]}"
    return ", ".join(_DAYS[day] for day in days)


def _dates(days: list[date]) -> str:
    """'24, 25 and 31 Dec' (the days of one month share its name)."""
    named = [f"{day.day}" if index + 1 < len(days) and days[index + 1].month == day.month else f"{day.day} {day:%b}"
             for index, day in enumerate(days)]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
