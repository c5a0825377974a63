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
GRANT_OUTCOME = ("allow", GRANTED, False)
UNKNOWN_OUTCOME = (UNKNOWN, "", False)

Minute = tuple[float, str, str]          # epoch seconds of the minute, site, category


class PersonReplay:
    """What one person's minutes got: an outcome (action, rule, charged) per minute, budgets, run-outs."""
    __slots__ = ("limits", "outcomes", "runouts", "used")

    def __init__(self) -> None:
        self.outcomes: list[tuple[str, str, bool]] = []     # rule "" when the default decided
        self.used: dict[tuple[str, float], int] = {}        # (rule, period start) → minutes charged
        self.runouts: dict[tuple[str, float], Minute] = {}  # (rule, period start) → the minute it ran out
        self.limits: dict[tuple[str, float], int] = {}

    @property
    def actions(self) -> list[str]:
        return [outcome[0] for outcome in self.outcomes]

    @property
    def rules(self) -> list[str]:
        return [outcome[1] for outcome in self.outcomes]

    @property
    def charged(self) -> list[bool]:
        return [outcome[2] for outcome in self.outcomes]


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
        append = out.outcomes.append
        used, runouts, limits = out.used, out.runouts, out.limits
        cache: dict[str, tuple[Any, ...]] = {}
        last: dict[str, float] = {}         # rule → the last minute charged to it
        grants = self.grants
        for minute in minutes:
            ts, site = minute[0], minute[1]
            if grants:
                spans = grants.get((user, site))
                if spans and any(start <= ts < end for start, end in spans):
                    append(GRANT_OUTCOME)
                    continue
            entry = cache.get(site)
            if entry is None or not entry[0] <= ts < entry[1]:
                entry = cache[site] = self._decide(who, site, ts)
            quota = entry[3]
            if quota is None:
                append(entry[2])
                continue
            rule, limit, key = quota[0], quota[1], quota[3]
            if last.get(rule) == ts:
                append(quota[5])               # this minute is already paid for
                continue
            n = used.get(key, 0)
            limits[key] = limit
            if n < limit:
                used[key] = n + 1
                last[rule] = ts
                append(quota[4])
                if n + 1 >= limit:
                    runouts.setdefault(key, minute)
            else:
                append(quota[6])
                runouts.setdefault(key, minute)
        return out

    def spans(self, user: str, site: str, first: float, last: float,
              used: Callable[[str, float, int], int]) -> list[tuple[float, float, str, str]]:
        """(from, to, action, rule) covering [first, last) for `site`, a budget's use given by `used(rule,
        period start, limit)`: what an attempt at any moment of that stretch would have got."""
        found: list[tuple[float, float, str, str]] = []
        ts = first
        while ts < last and len(found) < 200:
            _, end, (action, rule, _), quota = self._decide(user or None, site, ts)
            if quota is not None and used(rule, quota[2], quota[1]) >= quota[1]:
                action = "block"
            end = min(end, last)
            found.append((ts, end, action, rule))
            ts = end if end > ts else ts + 60
        return found

    def _decide(self, who: str | None, site: str, ts: float) -> tuple[Any, ...]:
        """(valid from, valid to, outcome, quota) for `site` at `ts`. `quota` is None, or (rule, limit,
        period start, (rule, period start), charged, paid, blocked): the outcomes ready-made."""
        url = self.hosts.get(site)
        if url is None:
            return (-FOREVER, FOREVER, UNKNOWN_OUTCOME, None)
        index = bisect_right(self.starts, ts) - 1
        segment_end = self.starts[index + 1] if index + 1 < len(self.starts) else FOREVER
        decision = self.policies[index].decide(who, url, datetime.fromtimestamp(ts, timezone.utc))
        end = decision.until.timestamp() if decision.until is not None else ts + HORIZON
        rule, quota = decision.rule or "", None
        if decision.rule_action == "quota" and decision.quota is not None:
            status = decision.quota
            start = status.period_start.timestamp()
            quota = (rule, status.limit, start, (rule, start), ("allow", rule, True), ("allow", rule, False),
                     ("block", rule, False))
            end = min(end, status.resets_at.timestamp())
        return (ts, min(end, segment_end), (decision.action, rule, False), quota)
