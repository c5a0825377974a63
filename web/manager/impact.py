"""How many people a change would have affected, judged on last week's records (Monday to Sunday).

- Quota minutes raised: people who ran into the old limit on some day (or week, for weekly quotas).
- Quota minutes lowered: people who used more than the new limit on some day (or week).
- Action or schedules changed: people who used the rule's sites, or met the rule, last week.

Last week's people are those who belonged to the group on each day (`storage.usage.membership`), so an
edit of the groups does not change the answer about a past week. Privacy first: a count under
`MIN_GROUP_SIZE` is None ("fewer than 5 people"), so a count can never point at one person; how
often it may be asked is limited and audited (`web.manager.previews`).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.engine.engine import Policy
from storage.usage.membership import belonged, members_by_day
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from web.manager.adjustable import Tunable
from web.me.usage import week_start


def last_week(today: date) -> tuple[date, date]:
    monday = week_start(today) - timedelta(days=7)
    return monday, monday + timedelta(days=6)


def affected_last_week(db: Session, policy: Policy, tunable: Tunable, new: dict, today: date,
                       min_group_size: int) -> int | None:
    first, last = last_week(today)
    people = members_by_day(db, tunable.group, first, last, policy.timezone)
    found = _affected(db, policy, tunable, new, first, last, people)
    return found if found >= min_group_size else None


def _affected(db: Session, policy: Policy, tunable: Tunable, new: dict, first: date, last: date,
              people: dict) -> int:
    rule = tunable.rule
    if "minutes" in new and new["minutes"] != tunable.value("minutes"):
        old, now = tunable.value("minutes") or 0, new["minutes"]
        weekly = bool(rule.quota and rule.quota.per == "week")
        period = () if weekly else (QuotaCharge.day,)
        used = (select(QuotaCharge.user_name, func.count().label("minutes"))
                .where(QuotaCharge.rule == rule.name, QuotaCharge.day.between(first, last),
                       belonged(QuotaCharge, people))
                .group_by(QuotaCharge.user_name, *period).subquery())
        over = used.c.minutes >= old if now > old else used.c.minutes > now
        return int(db.scalar(select(func.count(func.distinct(used.c.user_name))).where(over)) or 0)
    sites = _sites_of(policy, tunable)
    users = set(db.scalars(select(ActiveMinute.user_name).distinct().where(
        ActiveMinute.day.between(first, last), ActiveMinute.site.in_(sites), belonged(ActiveMinute, people))))
    users |= set(db.scalars(select(Attempt.user_name).distinct().where(
        Attempt.day.between(first, last), Attempt.rule == rule.name, belonged(Attempt, people))))
    return len(users)


def _sites_of(policy: Policy, tunable: Tunable) -> list[str]:
    names = set()
    for entry in tunable.rule.sites:
        if entry.startswith("category:"):
            names |= {name for name, site in policy.sites.items() if site.category == entry[9:]}
        else:
            names.add(entry)  # a site name, or "domain:D" as the proxy records it
    return sorted(names)
