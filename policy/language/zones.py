"""The policy's time zone: an IANA name, never an abbreviation or a fixed offset.

`CEST` or `+02:00` would be right half the year: the clocks change and schedules would drift by an
hour. Both are rejected with the IANA name that was most likely meant.
"""
from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from policy.loading.problems import Invalid
from policy.loading.wording import closest

_ABBREVIATIONS = {
    "Europe/Berlin": "CET CEST MET MEST MEZ MESZ",
    "Europe/London": "BST WET WEST",
    "Europe/Helsinki": "EET EEST",
    "Europe/Moscow": "MSK",
    "America/New_York": "EST EDT ET",
    "America/Chicago": "CST CDT CT",
    "America/Denver": "MST MDT MT",
    "America/Los_Angeles": "PST PDT PT",
    "Asia/Kolkata": "IST",
    "Asia/Tokyo": "JST",
    "Australia/Sydney": "AEST AEDT",
}
_HINT_FOR = {abbr: zone for zone, names in _ABBREVIATIONS.items() for abbr in names.split()}
_OFFSET = re.compile(r"(?:UTC|GMT|Z)?\s*[+-]\s*\d{1,2}(?::?\d{2})?", re.IGNORECASE)


def check_zone(name: str) -> ZoneInfo:
    """The zone for an IANA name; `Invalid` with a suggestion for anything else."""
    text = str(name).strip()
    if _OFFSET.fullmatch(text):
        raise Invalid(f"'{text}' is a UTC offset, not a time zone (it ignores daylight saving time)",
                      "use an IANA zone name such as Europe/Berlin")
    if text.upper() in _HINT_FOR:
        raise Invalid(f"'{text}' is an abbreviation, not a time zone (it changes with daylight saving time)",
                      f"use an IANA zone name such as {_HINT_FOR[text.upper()]}")
    try:
        return ZoneInfo(text)
    except Exception:   # unknown name, path-like name, unreadable database: all "not a zone" here
        pass
    by_case = {zone.lower(): zone for zone in _zones()}
    guess = by_case.get(text.lower()) or closest(text, _zones())
    raise Invalid(f"unknown time zone '{text}'",
                  f"did you mean '{guess}'?" if guess else "use an IANA zone name such as Europe/Berlin")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())
