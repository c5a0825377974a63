"""Plain answers, remembered: the same asker, address and method get the same allow until it changes.

A page load sends tens of requests to a few hosts, and a keep-alive client asks again and again.
Deciding is cheap in a loop, yet on a busy proxy it was most of what Watercooler adds to a plain
HTTP request (`bench/proxy_throughput.py`), so answers already known skip the engine. Kept: allows
that depend on nothing but who asks, from where, for what and when; never a quota (usage moves) or a
warn (continuing moves). An answer is kept for the policy object that gave it (a reload or a panel
change makes a new one, so nothing stale survives), until its `until`, and for at most a minute.
"""
from __future__ import annotations

from collections.abc import Hashable
from math import inf

from policy.actions import STATEFUL
from policy.engine.decision import Decision
from policy.engine.engine import Policy

KEEP_S = 60.0
MAX_ENTRIES = 65536


class DecisionCache:
    def __init__(self) -> None:
        self._policy: Policy | None = None
        self._entries: dict[Hashable, tuple[float, float, Decision]] = {}

    def get(self, policy: Policy, key: Hashable, ts: float) -> Decision | None:
        """The decision kept for `key` if `policy` gave it and it still holds at `ts`, else None."""
        if policy is not self._policy:
            return None
        found = self._entries.get(key)
        if found is None or not found[0] <= ts < found[1]:
            return None
        return found[2]

    def put(self, policy: Policy, key: Hashable, ts: float, decision: Decision) -> None:
        """Keep `decision`, made at `ts`, if it is a plain allow."""
        if decision.action != "allow" or decision.rule_action in STATEFUL:
            return
        if policy is not self._policy:
            self._policy, self._entries = policy, {}
        elif len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        until = decision.until.timestamp() if decision.until is not None else inf
        self._entries[key] = (ts, min(until, ts + KEEP_S), decision)
