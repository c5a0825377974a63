"""A policy as it stood over time for a replay: the rules with the adjustments and grants of each moment.

Adjustments and grants the rules do not allow (a draft narrowed a bound, dropped a site or a grant)
are left out, as the proxy leaves them out (`policy.changes.effective.combine`); the rest still apply. Each
distinct set of adjustments is compiled once; grants are checked here and honoured by the replay from
their start to their end, since the engine knows only when a grant ends.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from policy.changes.effective import combine
from policy.changes.grants import check_grant
from policy.changes.overrides import Adjustment, Grant
from policy.engine.engine import Policy
from policy.engine.localtime import instant
from policy.engine.principals import Groups
from policy.model import PolicyDoc
from policy.whatif.replay import Replayer

History = Sequence[tuple[datetime | None, tuple[Adjustment, ...]]]


def replayer(base: Policy, history: History, grants: Iterable[Grant], hosts: dict[str, str]) -> Replayer:
    """A `Replayer` of `base` with each moment's adjustments (`history`: from when, which) and grants."""
    compiled: dict[tuple[Adjustment, ...], Policy] = {}
    segments = []
    for start, adjustments in history or [(None, ())]:
        if adjustments not in compiled:
            compiled[adjustments] = combine(base, adjustments).policy
        segments.append((start.timestamp() if start is not None else float("-inf"), compiled[adjustments]))
    return Replayer(segments, hosts, grant_spans(base.doc, grants))


def grant_spans(doc: PolicyDoc, grants: Iterable[Grant]) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(user, site) → [(from, to)] in epoch seconds, for the grants `doc`'s rules allow."""
    groups = Groups(doc.groups)
    spans: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for grant in grants:
        try:
            if grant.site not in doc.sites and not any(grant.site in rule.sites for rule in doc.rules):
                continue
            check_grant(doc, groups, grant.user, grant.site, grant.starts_at, grant.expires_at, grant.granted_by)
        except ValueError:
            continue
        start = grant.starts_at.timestamp() if grant.starts_at is not None else float("-inf")
        spans.setdefault((grant.user, grant.site), []).append((start, grant.expires_at.timestamp()))
    return spans


def hosts(*docs: PolicyDoc) -> dict[str, str]:
    """Site name → a URL of the site, from the first policy that knows it (recorded names are the
    live rules' names; a draft that renames a site still decides its domains)."""
    found: dict[str, str] = {}
    for doc in docs:
        for name, site in doc.sites.items():
            if site.domains and name not in found:
                found[name] = f"https://{site.domains[0]}/"
        for rule in doc.rules:
            for entry in rule.sites:
                if entry.startswith("domain:") and entry not in found:
                    found[entry] = f"https://{entry[7:]}/"
    return found


def groups_by_day(history: Iterable[tuple[str, str, datetime | None, datetime | None]], zone: Any,
                  fallback: Callable[[str | None], frozenset[str]]) -> Callable[[str, date], frozenset[str]]:
    """`groups_of(user, day)`: the groups a person belonged to when the day began, by the recorded
    history (group, user, joined, left) as the panel's summaries count them; `fallback(user)` when
    nothing was recorded."""
    spans: dict[str, list[tuple[str, float, float]]] = {}
    for group, user, joined, left in history:
        spans.setdefault(user, []).append((group, joined.timestamp() if joined else float("-inf"),
                                           left.timestamp() if left else float("inf")))
    if not spans:
        return lambda user, day: fallback(user or None)
    seen: dict[tuple[str, date], frozenset[str]] = {}

    def groups_of(user: str, day: date) -> frozenset[str]:
        found = seen.get((user, day))
        if found is None:
            start = instant(day, 0, zone)
            found = seen[(user, day)] = frozenset(
                group for group, joined, left in spans.get(user, ()) if joined <= start < left)
        return found
    return groups_of
