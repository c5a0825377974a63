"""Replaying one person's recorded minutes through one policy, in time order, budgets included.

Pure and quick: a person's decision for a site holds until its `until` (or the quota period's reset,
or the next change of the panel's adjustments), so the engine is asked again only then. Budgets are
counted here as the proxy counts them: a minute is charged once per quota rule, whatever the site,
and the minute being used is already paid for. Grants open their site from their start to their end.
Minutes are replayed as reads (GET) by someone who has not pressed Continue: a read-only rule allows
them, a warn rule warns.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

HORIZON = 7 * 86400.0            # the engine's `until` looks this far ahead
GRANTED = "(grant)"              # the rule name a minute opened by a grant is counted under
UNKNOWN = "unknown"              # the outcome of a minute on a site neither policy knows
FOREVER = float("inf")

Minute = tuple[float, str, str]          # epoch seconds of the minute, site, category


class PersonReplay:
    """What one person's minutes got: an (action, rule) per minute, charges, budgets, run-outs."""
    __slots__ = ("actions", "charged", "limits", "rules", "runouts", "used")

    def __init__(self) -> None:
        self.actions: list[str] = []
        self.rules: list[str] = []                          # "" when the default decided
        self.charged: list[bool] = []
        self.used: dict[tuple[str, float], int] = {}        # (rule, period start) → minutes charged
        self.runouts: dict[tuple[str, float], float] = {}   # (rule, period start) → when it ran out
        self.limits: dict[tuple[str, float], int] = {}


class Replayer:
    """One policy over time: `segments` are (from epoch seconds, compiled policy), the first from -inf."""

    def __init__(self, segments: Sequence[tuple[float, Any]], hosts: Mapping[str, str],
                 grants: Mapping[tuple[str, str], Sequence[tuple[float, float]]] | None = None) -> None:
        self.starts = [start for start, _ in segments]
        self.policies = [policy for _, policy in segments]
        self.hosts = hosts                  # site name → URL to decide it by
        self.grants = grants or {}          # (user, site) → [(from, to)] in epoch seconds

    def person(self, user: str, minutes: Sequence[Minute]) -> PersonReplay:
        """Replay `minutes` (in time order) of `user` ("" for anonymous)."""
        who = user or None
        out = PersonReplay()
        actions, rules, charged = out.actions, out.rules, out.charged
        used, runouts, limits = out.used, out.runouts, out.limits
        cache: dict[str, tuple] = {}
        last: dict[str, float] = {}         # rule → the last minute charged to it
        grants = self.grants
        for ts, site, _ in minutes:
            spans = grants.get((user, site)) if grants else None
            if spans and any(start <= ts < end for start, end in spans):
                actions.append("allow")
                rules.append(GRANTED)
                charged.append(False)
                continue
            entry = cache.get(site)
            if entry is None or not entry[0] <= ts < entry[1]:
                entry = cache[site] = self._decide(who, site, ts)
            action, rule, quota = entry[2], entry[3], entry[4]
            charge = False
            if quota is not None and last.get(rule) != ts:
                limit, start = quota
                key = (rule, start)
                n = used.get(key, 0)
                limits[key] = limit
                if n < limit:
                    used[key] = n + 1
                    last[rule] = ts
                    charge = True
                    if n + 1 >= limit:
                        runouts.setdefault(key, ts)
                else:
                    action = "block"
                    runouts.setdefault(key, ts)
            actions.append(action)
            rules.append(rule)
            charged.append(charge)
        return out

    def spans(self, user: str, site: str, first: float, last: float,
              used: Callable[[str, float, int], int]) -> list[tuple[float, float, str, str]]:
        """(from, to, action, rule) covering [first, last) for `site`, a budget's use given by `used(rule,
        period start, limit)`: what an attempt at any moment of that stretch would have got."""
        found: list[tuple[float, float, str, str]] = []
        ts = first
        while ts < last and len(found) < 200:
            start, end, action, rule, quota = self._decide(user or None, site, ts)
            if quota is not None and used(rule, quota[1], quota[0]) >= quota[0]:
                action = "block"
            end = min(end, last)
            found.append((ts, end, action, rule))
            ts = end if end > ts else ts + 60
        return found

    def _decide(self, who: str | None, site: str, ts: float) -> tuple:
        """(valid from, valid to, action, rule, (limit, period start) or None) for `site` at `ts`."""
        url = self.hosts.get(site)
        if url is None:
            return (-FOREVER, FOREVER, UNKNOWN, "", None)
        index = bisect_right(self.starts, ts) - 1
        segment_end = self.starts[index + 1] if index + 1 < len(self.starts) else FOREVER
        decision = self.policies[index].decide(who, url, datetime.fromtimestamp(ts, timezone.utc))
        end = decision.until.timestamp() if decision.until is not None else ts + HORIZON
        action, quota = decision.action, None
        if decision.rule_action == "quota" and decision.quota is not None:
            status = decision.quota
            action, quota = "allow", (status.limit, status.period_start.timestamp())
            end = min(end, status.resets_at.timestamp())
        return (ts, min(end, segment_end), action, decision.rule or "", quota)
