"""The internal community's engagement, week over week: is our own community growing?

Minutes on sites of `internal: true` categories, per week (Monday first), for a group — the same
privacy rule as every summary applies to the caller.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.engine import Policy
from storage.usage import ActiveMinute


def internal_categories(policy: Policy) -> list[str]:
    return sorted(name for name, category in policy.doc.categories.items() if category.internal)


def community_trend(db: Session, policy: Policy, people: list[str], monday: date, weeks: int = 8) -> list[tuple[date, int]]:
    """(week's Monday, minutes) for `weeks` weeks ending with the week of `monday`, oldest first."""
    first = monday - timedelta(weeks=weeks - 1)
    per_day = db.execute(
        select(ActiveMinute.day, func.count())
        .where(ActiveMinute.day.between(first, monday + timedelta(days=6)),
               ActiveMinute.category.in_(internal_categories(policy)), ActiveMinute.user_name.in_(people))
        .group_by(ActiveMinute.day))
    totals = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    for day, minutes in per_day:
        totals[day - timedelta(days=day.weekday())] += minutes
    return sorted(totals.items())
