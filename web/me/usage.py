"""One person's own usage, read from the proxy's records: active minutes this week."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.usage.tables import ActiveMinute


@dataclass(frozen=True)
class SiteWeek:
    site: str
    label: str
    minutes: int
    by_day: tuple[int, ...]     # Monday .. Sunday


def week_start(today: date) -> date:
    return today - timedelta(days=today.weekday())


def week_usage(db: Session, user: str, today: date, labels: dict[str, str]) -> list[SiteWeek]:
    """Active minutes per site for the policy-local week (Monday first) that contains `today`."""
    monday = week_start(today)
    rows = db.execute(
        select(ActiveMinute.site, ActiveMinute.day, func.count())
        .where(ActiveMinute.user_name == user, ActiveMinute.day >= monday, ActiveMinute.day <= today)
        .group_by(ActiveMinute.site, ActiveMinute.day))
    days: dict[str, list[int]] = {}
    for site, day, minutes in rows:
        days.setdefault(site, [0] * 7)[(day - monday).days] = int(minutes)
    weeks = [SiteWeek(site, labels.get(site, site), sum(per_day), tuple(per_day)) for site, per_day in days.items()]
    return sorted(weeks, key=lambda week: (-week.minutes, week.label.lower()))
