"""A team's week from the proxies' records: minutes by site and category per day, a week-by-hour heat
map, blocked and warned attempts, quota run-outs. Only ever for a whole group, never per person.

A person's records count for a group on the days they belonged to it (`storage.usage.membership`), so an
edit of the rules' groups never changes a past week. Every number comes from at least the minimum
of people or is None ("fewer than 5 people"), and totals add up shown numbers only
(`web.manager.suppression`). The queries group in the database by person at most, never by minute;
hours are bucketed in UTC there and placed in the policy's zone here (exact across daylight-saving
changes, which happen on the hour).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.engine.engine import Policy
from storage.usage.membership import belonged, members_by_day
from storage.usage.tables import ActiveMinute, Attempt
from web.manager.suppression import Cell, hidden_together, shown, shown_total

DAYS = 7


@dataclass
class TeamWeek:
    monday: date
    people: int                                                          # who belonged on some day of the week
    by_site: dict[str, list[int | None]] = field(default_factory=dict)  # site -> minutes Mon..Sun, None: hidden
    by_category: dict[str, list[int]] = field(default_factory=dict)     # category -> shown site minutes Mon..Sun
    heat: list[list[int | None]] = field(default_factory=lambda: [[None] * 24 for _ in range(DAYS)])
    blocked: list[int | None] = field(default_factory=lambda: [None] * DAYS)
    warned: list[int | None] = field(default_factory=lambda: [None] * DAYS)
    runouts: list[int | None] = field(default_factory=lambda: [None] * DAYS)  # people out of a budget

    @property
    def total(self) -> int:
        return sum(shown_total(days) for days in self.by_site.values())


@dataclass
class SiteDay:
    """One site on one day: its minutes and people, by category and by local hour (person, minutes)."""
    cell: Cell = field(default_factory=Cell)
    categories: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    hours: list[tuple[int, str, int]] = field(default_factory=list)


def hour_bucket(column, dialect: str):
    """The UTC hour a timestamp falls in, as the database can group by it."""
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H", column)


def _as_utc(bucket) -> datetime:
    if isinstance(bucket, datetime):
        return bucket.replace(tzinfo=timezone.utc) if bucket.tzinfo is None else bucket.astimezone(timezone.utc)
    return datetime.strptime(bucket, "%Y-%m-%d %H").replace(tzinfo=timezone.utc)


def site_days(db: Session, policy: Policy, by_day: dict[date, frozenset[str]], first: date, last: date,
              *where, hours: bool = True) -> dict[tuple[str, date], SiteDay]:
    """A group's minutes from `first` to `last` by site and day, for the people in `by_day` on each day
    (and by hour unless `hours` is False: fewer groups for the trend's eight weeks)."""
    # Columns of several types: each row is unpacked by position below.
    keys: list[Any] = [ActiveMinute.site, ActiveMinute.category, ActiveMinute.day, ActiveMinute.user_name]
    if hours:
        keys.append(hour_bucket(ActiveMinute.minute, db.get_bind().dialect.name).label("hour"))
    found: dict[tuple[str, date], SiteDay] = defaultdict(SiteDay)
    for site, category, day, person, *hour, minutes in db.execute(
            select(*keys, func.count())
            .where(ActiveMinute.day.between(first, last), belonged(ActiveMinute, by_day), *where).group_by(*keys)):
        entry = found[(site, day)]
        entry.cell.add(person, minutes)
        entry.categories[category] += minutes
        if hour:
            entry.hours.append((_as_utc(hour[0]).astimezone(policy.timezone).hour, person, minutes))
    return found


def team_week(db: Session, policy: Policy, group: str, monday: date, minimum: int) -> TeamWeek:
    last = monday + timedelta(days=DAYS - 1)
    by_day = members_by_day(db, group, monday, last, policy.timezone)
    week = TeamWeek(monday, len(frozenset().union(*by_day.values())))
    hours = [[Cell() for _ in range(24)] for _ in range(DAYS)]
    for (site, day), entry in site_days(db, policy, by_day, monday, last).items():
        index = (day - monday).days
        week.by_site.setdefault(site, [None] * DAYS)[index] = shown(entry.cell, minimum)
        if shown(entry.cell, minimum) is None:
            continue
        for category, minutes in entry.categories.items():
            week.by_category.setdefault(category, [0] * DAYS)[index] += minutes
        for hour, person, minutes in entry.hours:
            hours[index][hour].add(person, minutes)
    # A site no day of which is shown gets no row: even its row would say someone used it.
    week.by_site = {site: days for site, days in week.by_site.items() if any(m is not None for m in days)}
    week.heat = [hidden_together(day, minimum) for day in hours]
    _fill_attempts(db, policy, week, by_day, minimum)
    return week


def _fill_attempts(db: Session, policy: Policy, week: TeamWeek, by_day: dict, minimum: int) -> None:
    quota_rules = {rule.name for rule in policy.doc.rules if rule.action == "quota"}
    cells = {kind: [Cell() for _ in range(DAYS)] for kind in ("blocked", "warned", "runouts")}
    for kind, rule, day, person, count in db.execute(
            select(Attempt.kind, Attempt.rule, Attempt.day, Attempt.user_name, func.sum(Attempt.count))
            .where(Attempt.day.between(week.monday, week.monday + timedelta(days=DAYS - 1)),
                   Attempt.kind.in_(("blocked", "warned")), belonged(Attempt, by_day))
            .group_by(Attempt.kind, Attempt.rule, Attempt.day, Attempt.user_name)):
        index = (day - week.monday).days
        cells[kind][index].add(person, int(count))
        if kind == "blocked" and rule in quota_rules:
            cells["runouts"][index].add(person, 0)
    for cell in cells["runouts"]:
        cell.value = len(cell.people)
    week.blocked, week.warned, week.runouts = ([shown(cell, minimum) for cell in cells[kind]]
                                               for kind in ("blocked", "warned", "runouts"))
