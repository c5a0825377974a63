"""More time today: the options people may ask for, and the most a manager may add, from the settings.

`EXTRA_MINUTES_OPTIONS` lists minutes (and "rest of day": the minutes left until midnight in the
policy's zone); `EXTRA_MINUTES_MAX` is the most one approval adds (managers may approve less). An
approval is a grant of minutes that ends at midnight, so the extra is for today only.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

REST_OF_DAY = "rest of day"


@dataclass(frozen=True)
class Option:
    minutes: int
    label: str


def end_of_day(moment: datetime, zone: tzinfo) -> datetime:
    """The next midnight in `zone` after `moment`."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)


def minutes_words(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 more hour" if hours == 1 else f"{hours} more hours"
    return f"{minutes} more minutes"


def options(config: Mapping[str, Any], moment: datetime, zone: tzinfo) -> list[Option]:
    """What a person may ask for now, in the order the settings give."""
    left = int((end_of_day(moment, zone) - moment).total_seconds() // 60)
    found = []
    for entry in config.get("EXTRA_MINUTES_OPTIONS") or ():
        if entry == REST_OF_DAY:
            found.append(Option(left, "The rest of the day"))
        elif isinstance(entry, int) and not isinstance(entry, bool) and entry > 0:
            found.append(Option(entry, minutes_words(entry)))
        else:
            raise ValueError(f"EXTRA_MINUTES_OPTIONS: {entry!r} is neither a number of minutes nor {REST_OF_DAY!r}")
    return found


def most(config: Mapping[str, Any]) -> int:
    """The most minutes one approval may add."""
    return int(config.get("EXTRA_MINUTES_MAX") or 0)


def approvable(config: Mapping[str, Any], asked: int) -> list[Option]:
    """What a manager may approve for a request of `asked` minutes: the options up to the most (and the
    amount asked, when allowed), largest first so the default is the most that may be given."""
    cap = min(most(config), asked)
    smaller = {entry for entry in config.get("EXTRA_MINUTES_OPTIONS") or () if isinstance(entry, int) and entry < cap}
    return [Option(amount, f"{amount} minutes") for amount in sorted(smaller | {cap}, reverse=True) if amount > 0]
