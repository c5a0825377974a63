"""Times of day, day specifications and dates as admins write them in schedule windows.

Times are minutes since local midnight; `24:00` is allowed only as an end. Days are 0 = Monday.
Each parser raises `Invalid` with the fix, so the caller only adds the place.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from policy.loading.problems import Invalid
from policy.loading.wording import closest

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_GROUPS = {"daily": range(7), "weekdays": range(5), "weekends": range(5, 7)}
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DAYS_FIX = "write days like mon-fri, sat,sun, daily, or a list such as [mon, wed]"


def parse_time(text: str, *, end: bool = False) -> int:
    """Minutes since midnight for "HH:MM"; `end` allows 24:00."""
    match = _TIME.fullmatch(str(text).strip())
    if not match:
        raise Invalid(f"invalid time '{text}'", "write a time of day as HH:MM, e.g. 09:00 or 17:30")
    hours, minutes = int(match[1]), int(match[2])
    if hours == 24 and minutes == 0:
        if end:
            return 24 * 60
        raise Invalid(f"invalid time '{text}': a window cannot start at 24:00", "start at 00:00 instead")
    if hours > 23:
        raise Invalid(f"invalid time '{text}'", "hours run from 00 to 23 (24:00 only as 'to')")
    if minutes > 59:
        raise Invalid(f"invalid time '{text}'", "minutes run from 00 to 59")
    return hours * 60 + minutes


def parse_days(spec: str | list[Any]) -> frozenset[int]:
    """`mon-fri`, `sat,sun`, `daily`, `weekdays`, `weekends`, one day, or a list of any of these."""
    parts = spec if isinstance(spec, list) else [spec]
    words = [w.strip().lower() for part in parts for w in str(part).split(",")]
    if not any(words):
        raise Invalid("empty days", _DAYS_FIX)
    days: set[int] = set()
    for word in words:
        if word in _GROUPS:
            days.update(_GROUPS[word])
        elif "-" in word:
            first, _, last = word.partition("-")
            start, stop = _day(first), _day(last)
            days.update((start + i) % 7 for i in range((stop - start) % 7 + 1))   # fri-mon wraps round
        else:
            days.add(_day(word))
    return frozenset(days)


def _day(word: str) -> int:
    word = word.strip()
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in _FULL_NAMES:
        return _FULL_NAMES.index(word)
    if not word:
        raise Invalid("empty day in days", _DAYS_FIX)
    guess = closest(word, DAY_NAMES) or closest(word, _FULL_NAMES + tuple(_GROUPS))
    raise Invalid(f"unknown day '{word}'", f"did you mean '{guess}'?" if guess else _DAYS_FIX)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise Invalid(f"invalid date '{text}'", "write a real date as YYYY-MM-DD, e.g. 2026-12-24") from None
