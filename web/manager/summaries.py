"""A team's week from the proxies' records: minutes by site and category per day, a week-by-hour heat
map, blocked and warned attempts, quota run-outs. Only ever for a whole group, never per person.

The queries group in the database and return a few hundred numbers at most, whatever the number of
minute records; hours are bucketed in UTC there and placed in the policy's zone here (exact across
daylight-saving changes, which happen on the hour).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.engine import Policy
from storage.usage import ActiveMinute, Attempt

DAYS = 7


@dataclass
class TeamWeek:
    monday: date
    people: int
    by_site: dict[str, list[int]] = field(default_factory=dict)       # site -> minutes Mon..Sun
    by_category: dict[str, list[int]] = field(default_factory=dict)   # category -> minutes Mon..Sun
    heat: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(DAYS)])  # [weekday][hour]
    blocked: list[int] = field(default_factory=lambda: [0] * DAYS)
    warned: list[int] = field(default_factory=lambda: [0] * DAYS)
    runouts: list[int] = field(default_factory=lambda: [0] * DAYS)   # people who ran out of a budget, per day

    @property
    def total(self) -> int:
        return sum(sum(days) for days in self.by_site.values())


def hour_bucket(column, dialect: str):
    """The UTC hour a timestamp falls in, as the database can group by it."""
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H", column)


def _as_utc(bucket) -> datetime:
    if isinstance(bucket, datetime):
        return bucket.replace(tzinfo=timezone.utc) if bucket.tzinfo is None else bucket.astimezone(timezone.utc)
    return datetime.strptime(bucket, "%Y-%m-%d %H").replace(tzinfo=timezone.utc)


def team_week(db: Session, policy: Policy, people: list[str], monday: date) -> TeamWeek:
    week = TeamWeek(monday, len(people))
    last = monday + timedelta(days=DAYS - 1)
    in_week = (ActiveMinute.day.between(monday, last), ActiveMinute.user_name.in_(people))
    for site, category, day, minutes in db.execute(
            select(ActiveMinute.site, ActiveMinute.category, ActiveMinute.day, func.count())
            .where(*in_week).group_by(ActiveMinute.site, ActiveMinute.category, ActiveMinute.day)):
        index = (day - monday).days
        week.by_site.setdefault(site, [0] * DAYS)[index] += minutes
        week.by_category.setdefault(category, [0] * DAYS)[index] += minutes
    _fill_heat(db, week, in_week, policy.timezone)
    quota_rules = [rule.name for rule in policy.doc.rules if rule.action == "quota"]
    for kind, rule, day, count, people_count in db.execute(
            select(Attempt.kind, Attempt.rule, Attempt.day, func.sum(Attempt.count),
                   func.count(func.distinct(Attempt.user_name)))
            .where(Attempt.day.between(monday, last), Attempt.user_name.in_(people))
            .group_by(Attempt.kind, Attempt.rule, Attempt.day)):
        index = (day - monday).days
        if kind == "blocked":
            week.blocked[index] += int(count)
            if rule in quota_rules:
                week.runouts[index] += int(people_count)
        elif kind == "warned":
            week.warned[index] += int(count)
    return week


def _fill_heat(db: Session, week: TeamWeek, in_week: tuple, zone: tzinfo) -> None:
    bucket = hour_bucket(ActiveMinute.minute, db.get_bind().dialect.name).label("hour")
    start = datetime.combine(week.monday, time(), zone)
    for hour, minutes in db.execute(select(bucket, func.count()).where(*in_week).group_by(bucket)):
        local = _as_utc(hour).astimezone(zone)
        index = (local.date() - start.date()).days
        if 0 <= index < DAYS:
            week.heat[index][local.hour] += minutes
