"""Extra budget minutes: a grant with `minutes` adds them to one person's budget for one site, until it
ends (the end of the day it was given), instead of opening the site without limit.

Allowed where the rules let managers grant the site to the person (`adjustable.grant`), never by the
person themselves; how many minutes a manager may add at once is the panel's setting. Several running
extras for the same site add up.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo

from policy.grants import grant_bound
from policy.model import PolicyDoc
from policy.overrides import Grant
from policy.principals import Groups

ExtraTable = dict[tuple[str, str], tuple[tuple[float, float, int], ...]]


def extra_table(doc: PolicyDoc, grants: Iterable[Grant], zone: tzinfo) -> ExtraTable:
    """(user, site) → ((start ts, end ts, minutes), ...) of the grants that carry minutes; ValueError on a bad one."""
    table: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
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
        table.setdefault((grant.user, grant.site), []).append((start.timestamp(), end.timestamp(), grant.minutes))
    return {key: tuple(found) for key, found in table.items()}


def extra_at(table: ExtraTable, user: str | None, site: str, ts: float) -> int:
    """The extra minutes `user` has for `site` at `ts` (0 when none run)."""
    if user is None:
        return 0
    return sum(minutes for start, end, minutes in table.get((user, site), ()) if start <= ts < end)
