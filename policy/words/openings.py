"""When one person may use one site: the engine's own decisions, walked forward in time.

Nothing here reads schedules: `decide` is asked at now, then at each moment its answer says the
decision changes (`Decision.until`), so every stretch is one the engine itself confirms. Budgets of
periods still to come are taken as unused; the current period's use is what the caller says.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from policy.engine.localtime import instant

if TYPE_CHECKING:
    from policy.engine.decision import Decision
    from policy.engine.engine import Policy

WEEKS = 6                           # the usual week is what most of the next six weeks look like
SOON = timedelta(days=28)           # how far ahead the next opening is looked for
Day = tuple[tuple[int, int, str], ...]   # (from, to, kind) in local minutes; to < from crosses midnight


@dataclass(frozen=True)
class Stretch:
    start: datetime
    end: datetime
    kind: str                       # free | budget | asks | reading | closed
    budget: tuple[int, str] | None = None   # (minutes, per) while kind is budget


@dataclass(frozen=True)
class Pattern:
    """The usual week (weekday 0 = Monday → its day), and the dates left this month that differ."""
    week: dict[int, Day]
    exceptions: tuple[tuple[date, Day], ...]
    budget: tuple[int, str] | None
    kinds: frozenset[str]           # every kind met, closed included


def kind_of(decision: Decision) -> str:
    if decision.action == "block":
        return "closed"
    if decision.action == "warn":
        return "asks"
    return {"quota": "budget", "read-only": "reading"}.get(decision.rule_action, "free")


def walk(policy: Policy, user: str | None, url: str, start: datetime, end: datetime, *,
         method: str = "GET", client_ip: object = None,
         used_minutes: int | Callable[[str, datetime], int] = 0) -> list[Stretch]:
    """The stretches from `start` to `end`, each of one kind, by asking the engine."""
    used = used_minutes if callable(used_minutes) else (lambda _rule, period: used_minutes if period <= start else 0)
    stretches: list[Stretch] = []
    moment = start
    while moment < end:
        decision = policy.decide(user, url, moment, method=method, client_ip=client_ip, used_minutes=used)
        kind = kind_of(decision)
        quota = decision.quota
        budget = (quota.limit, quota.per) if kind == "budget" and quota is not None else None
        following = decision.until if decision.until is not None else moment + timedelta(days=7)
        following = min(max(following, moment + timedelta(minutes=1)), end)
        if stretches and (stretches[-1].kind, stretches[-1].budget) == (kind, budget):
            stretches[-1] = Stretch(stretches[-1].start, following, kind, budget)
        else:
            stretches.append(Stretch(moment, following, kind, budget))
        moment = following
    return stretches


def next_opening(policy: Policy, user: str | None, url: str, now: datetime, **options: Any) -> datetime | None:
    """The first moment after `now` at which the engine lets this request through; None within SOON."""
    for stretch in walk(policy, user, url, now, now + SOON, **options):
        if stretch.kind != "closed" and stretch.start > now:
            return stretch.start
    return None


def pattern(policy: Policy, user: str | None, url: str, today: date, *, method: str = "GET",
            client_ip: object = None) -> Pattern:
    """The usual week from today on, and the dates left this month that differ from it (holidays)."""
    zone = policy.timezone
    first = today - timedelta(days=1)          # yesterday's evening may run into today
    last = today + timedelta(days=7 * WEEKS)
    start = datetime.fromtimestamp(instant(first, 0, zone), zone)
    end = datetime.fromtimestamp(instant(last, 0, zone), zone)
    stretches = walk(policy, user, url, start, end, method=method, client_ip=client_ip,
                     used_minutes=lambda _rule, _period: 0)
    merged, days = _days(stretches, first, last, zone, True), _days(stretches, first, last, zone, False)
    week, usual = _usual(merged), _usual(days)
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    # A date differs when its own hours do, or when its usual evening runs into a morning that is
    # not open as usual (the evening before a holiday open all day is still true as written).
    exceptions = tuple((day, days[day]) for day in sorted(days)
                       if day < month_end and (days[day] != usual[day.weekday()]
                                               or not _runs_on(week[day.weekday()], days.get(day + timedelta(days=1)))))
    budget = next((stretch.budget for stretch in stretches if stretch.budget), None)
    return Pattern(week, exceptions, budget, frozenset(stretch.kind for stretch in stretches))


def _days(stretches: list[Stretch], first: date, last: date, zone: tzinfo, merge: bool) -> dict[date, Day]:
    """Each date's open pieces in local minutes, from `first`'s successor to `last`. With `merge`, a
    piece that runs on past midnight into the next day's morning is written once, on the day it
    starts (18:00–07:00), as schedules are."""
    days: dict[date, list[tuple[int, int, str]]] = {}
    day = first
    while day < last:
        days[day] = []
        day += timedelta(days=1)
    for stretch in stretches:
        if stretch.kind == "closed":
            continue
        begin, finish = stretch.start.timestamp(), stretch.end.timestamp()
        day = stretch.start.date()
        while day < last and instant(day, 0, zone) < finish:
            high = instant(day + timedelta(days=1), 0, zone)
            low = max(begin, instant(day, 0, zone))
            if day in days and low < min(finish, high):
                days[day].append((_minute(low, zone), 1440 if finish >= high else _minute(finish, zone), stretch.kind))
            day += timedelta(days=1)
    ordered = sorted(days)
    for before, after in pairwise(ordered) if merge else ():
        head, tail = days[before], days[after]
        if head and tail and head[-1][1] == 1440 and tail[0][0] == 0 and tail[0][1] < 1440 \
                and head[-1][2] == tail[0][2] and head[-1][0] > 0:
            head[-1] = (head[-1][0], tail[0][1], head[-1][2])
            tail.pop(0)
    return {day: tuple(pieces) for day, pieces in days.items() if day > first}


def _runs_on(usual: Day, morning: Day | None) -> bool:
    """Whether the next day's actual morning holds what the usual day's last piece says runs into it."""
    if not usual or usual[-1][1] >= usual[-1][0]:
        return True
    if not morning:
        return False
    return morning[0][0] == 0 and morning[0][1] >= usual[-1][1] and morning[0][2] == usual[-1][2]


def _usual(days: dict[date, Day]) -> dict[int, Day]:
    """Per weekday, what most of its dates look like."""
    usual: dict[int, Day] = {}
    for weekday in range(7):
        seen = Counter(pieces for day, pieces in days.items() if day.weekday() == weekday)
        usual[weekday] = seen.most_common(1)[0][0] if seen else ()
    return usual


def _minute(ts: float, zone: tzinfo) -> int:
    local = datetime.fromtimestamp(ts, zone)
    return local.hour * 60 + local.minute
