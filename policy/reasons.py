"""The sentence an employee reads: what was decided for this site, and when it is open to them.

Built from the deciding rule and the schedules of the rules that would let the person in, e.g.
"Facebook is closed to you now. Open to you: lunch (Mon–Fri 12:00–13:00) and evenings (Mon–Fri
18:00–07:00)." Schedules are described from their windows, so the sentence follows the rules.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping

from policy.actions import budget_figures, shown
from policy.decision import QuotaStatus
from policy.model import Rule, Schedule, Window

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def reason(action: str, rule: Rule | None, label: str, known: bool, default: str,
           opens: str, quota: QuotaStatus | None = None) -> str:
    """`known`: the host belongs to a site or a rule's `domain:` entry. `opens`: see `opens_text`.
    The sentences themselves are the actions' own (policy/actions.py)."""
    if rule is None and not known:
        return (f"{label} is not a social site, so it is not limited." if default == "allow"
                else f"{label} is not among the sites open at work.")
    kind = rule.action if rule is not None and (rule.action != "quota" or quota is not None) else action
    during = f" during {_names(rule.when)}" if rule is not None and rule.when else ""
    if not during and action != "allow":
        during = " now"
    return shown(action, kind).reason.format(label=label, opens=opens, during=during,
                                             **(budget_figures(quota) if quota is not None else {}))


def opens_text(rules: Iterable[Rule], schedules: Mapping[str, Schedule], today: date | None = None) -> str:
    """' Open to you: lunch (Mon–Fri 12:00–13:00) and evenings (…).' from the allowing rules' `when`.

    With `today`, dated windows list only the dates still to come."""
    names: list[str] = []
    for rule in rules:
        if rule.action in ("allow", "quota", "warn") and rule.when:
            names += [name for name in rule.when if name not in names]
    if not names:
        return ""
    described = [text for text in (describe_schedule(schedules[name], today) for name in names) if text]
    return " Open to you: " + _join(described) + "." if described else ""


def describe_schedule(schedule: Schedule, today: date | None = None) -> str:
    """'lunch (Mon–Fri 12:00–13:00)'; '' when every window lies in the past."""
    current = [window for window in schedule.windows
               if today is None or window.dates is None or max(window.dates) >= today]
    if not current:
        return ""
    windows = [describe_window(window, today) for window in current[:3]]
    more = len(current) - 3
    return f"{schedule.name} ({'; '.join(windows)}{f'; and {more} more' if more > 0 else ''})"


def describe_window(window: Window, today: date | None = None) -> str:
    parts = []
    if window.dates is not None:
        dates = sorted(day for day in window.dates if today is None or day >= today)
        shown = ", ".join(f"{day.day} {day:%b %Y}" for day in dates[:3])
        more = len(dates) - 3
        parts.append(shown + (f" and {more} more {'day' if more == 1 else 'days'}" if more > 0 else ""))
    if window.days is not None and len(window.days) < 7:
        parts.append(_days(sorted(window.days)))
    elif window.days is not None and window.dates is None:
        parts.append("daily")
    if (window.start, window.end) != (0, 1440):
        parts.append(f"{_clock(window.start)}–{_clock(window.end)}")
    return " ".join(parts) or "all day"


def _days(days: list[int]) -> str:
    if len(days) >= 3 and days[-1] - days[0] == len(days) - 1:
        return f"{_DAYS[days[0]]}–{_DAYS[days[-1]]}"
    return ", ".join(_DAYS[day] for day in days)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _names(names: tuple[str, ...]) -> str:
    return _join(list(names))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
