"""The internal community's engagement, week over week: is our own community growing?

Minutes on sites of `internal: true` categories, per week (Monday first), for a group: the same site
and day cells as the team's week (`summaries.site_days`), and only those from at least the minimum of
people, so the current week's figure is the sum of the community minutes its page shows.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy.engine.engine import Policy
from storage.usage.membership import belonged, members_by_day
from storage.usage.tables import ActiveMinute
from web.manager.summaries import site_days
from web.manager.suppression import shown


def internal_categories(policy: Policy) -> list[str]:
    return sorted(name for name, category in policy.doc.categories.items() if category.internal)


def community_trend(db: Session, policy: Policy, group: str, monday: date, minimum: int,
                    weeks: int = 8, days: int = 7) -> list[tuple[date, int]]:
    """(week's Monday, shown minutes) for `weeks` weeks ending with the week of `monday`, oldest first.

    `days` < 7 counts only each week's first days (Monday on): a week still under way is then compared
    with the same days of the weeks before it, not with whole weeks."""
    first, last = monday - timedelta(weeks=weeks - 1), monday + timedelta(days=6)
    internal = internal_categories(policy)
    by_day = members_by_day(db, group, first, last, policy.timezone)
    # Only the group's rows, through the (user_name, day) index: never every person's weeks.
    community_sites = (select(ActiveMinute.site).distinct()
                       .where(ActiveMinute.day.between(first, last), belonged(ActiveMinute, by_day),
                              ActiveMinute.category.in_(internal)))
    totals = {first + timedelta(weeks=i): 0 for i in range(weeks)}
    cells = site_days(db, policy, by_day, first, last, ActiveMinute.site.in_(community_sites), hours=False)
    for (_, day), entry in cells.items():
        if shown(entry.cell, minimum) is not None and day.weekday() < days:
            totals[day - timedelta(days=day.weekday())] += sum(
                minutes for category, minutes in entry.categories.items() if category in internal)
    return sorted(totals.items())
