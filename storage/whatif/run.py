"""A what-if replay over a database: the readers of `storage.whatif.reads` feeding `policy.whatif.compare`.

Minutes from the Monday of the first day's week on are replayed, so weekly budgets already running
when the period begins are as full as they were; only the period's own minutes are reported.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Engine

from policy.engine.engine import Policy
from policy.engine.localtime import instant
from policy.whatif.compare import WhatIf
from policy.whatif.figures import Report
from policy.whatif.setup import groups_by_day, hosts, replayer
from storage.whatif.reads import adjustment_history, blocked_attempts, grants_between, group_history, person_minutes


def replay_usage(engine: Engine, current: Policy, draft: Policy, since: date, until: date) -> Report:
    """`draft` against `current` (each with the adjustments and grants of the time) over `since`..`until`."""
    zone = current.timezone
    warm = _moment(since - timedelta(days=since.weekday()), zone)
    end = _moment(until + timedelta(days=1), zone)
    history = adjustment_history(engine, warm, end)
    grants = grants_between(engine, warm, end)
    sites = hosts(current.doc, draft.doc)
    whatif = WhatIf(replayer(current, history, grants, sites), replayer(draft, history, grants, sites),
                    zone, since, until, groups_by_day(group_history(engine), zone, current.groups_of))
    attempts = blocked_attempts(engine, since, until)
    for user, minutes in person_minutes(engine, warm, end):
        whatif.person(user, minutes, attempts.pop(user, ()))
    for user, rest in sorted(attempts.items()):
        whatif.person(user, [], rest)
    return whatif.report


def _moment(day: date, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(instant(day, 0, zone), zone)
