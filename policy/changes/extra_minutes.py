"""Extra budget minutes: a grant with `minutes` adds them to one person's budget, until it ends (the end
of the day it was given), instead of opening the site without limit. The grant names the site asked
about; the minutes go to the budget that site is on, so a budget shared by ten sites is raised for all
ten (one budget, one limit, as every page shows it).

Allowed where the rules let managers grant the site to the person (`adjustable.grant`), never by the
person themselves; how many minutes a manager may add at once is the panel's setting. Several running
extras for the same site add up.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import tzinfo

from policy.changes.grants import grant_bound
from policy.changes.overrides import Grant
from policy.engine.principals import Groups
from policy.model import PolicyDoc

ExtraTable = dict[str, tuple[tuple[str, float, float, int], ...]]


def extra_table(doc: PolicyDoc, grants: Iterable[Grant], zone: tzinfo) -> ExtraTable:
    """user → ((site, start ts, end ts, minutes), ...) of the grants that carry minutes; ValueError on a bad one."""
    table: dict[str, list[tuple[str, float, float, int]]] = {}
    groups = None
    for grant in grants:
        if grant.minutes is None:
            continue
        if grant.minutes <= 0:
            raise ValueError(f"extra minutes for {grant.user} must be more than 0, not {grant.minutes}")
        if grant.granted_by is not None and grant.granted_by == grant.user:
            raise ValueError(f"{grant.user} cannot grant extra minutes to themselves: another manager of their "
                             "group or an admin must")
        groups = groups or Groups(doc.groups)
        grant_bound(doc, groups, grant.user, grant.site)
        start = grant.starts_at or grant.expires_at
        start = start if start.tzinfo else start.replace(tzinfo=zone)
        end = grant.expires_at if grant.expires_at.tzinfo else grant.expires_at.replace(tzinfo=zone)
        table.setdefault(grant.user, []).append((grant.site, start.timestamp(), end.timestamp(), grant.minutes))
    return {key: tuple(found) for key, found in table.items()}


def extra_at(table: ExtraTable, user: str | None, ts: float, on_budget: Callable[[str], bool]) -> int:
    """The extra minutes `user` has at `ts` for the budget whose sites `on_budget` tells (0 when none run)."""
    if user is None:
        return 0
    return sum(minutes for site, start, end, minutes in table.get(user, ()) if start <= ts < end and on_budget(site))
