"""Asking the policy: who, what, when, with usage and "continued" state passed in as callables."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from policy.engine.decision import Decision
from policy.engine.engine import Policy
from proxy_addons.auth.identity import Who
from proxy_addons.clock import Clock
from proxy_addons.enforcing.continued import ContinuedState
from proxy_addons.enforcing.decision_cache import DecisionCache
from proxy_addons.rules.watch import PolicyHolder
from proxy_addons.usage.counter import UsageCounter


def site_url(request: Any) -> str:
    """What the policy needs of a request's URL: scheme, host and port — never the path or query."""
    host = f"[{request.host}]" if ":" in request.host else request.host
    return f"{request.scheme}://{host}:{request.port}/"


class PolicyUnavailable(RuntimeError):
    """No valid policy is loaded (or a test asked deciding to fail): requests fail closed."""


class Decider:
    def __init__(self, holder: PolicyHolder, counter: UsageCounter, continued: ContinuedState, clock: Clock) -> None:
        self.holder = holder
        self.counter = counter
        self.continued = continued
        self.clock = clock
        self.fault = False          # watercooler_test_fault=decide
        self.known = DecisionCache()

    @property
    def policy(self) -> Policy | None:
        return self.holder.policy

    def _policy(self) -> Policy:
        if self.fault:
            raise PolicyUnavailable("deciding fails on purpose (watercooler_test_fault=decide)")
        policy = self.holder.policy
        if policy is None:
            raise PolicyUnavailable("no valid policy is loaded")
        return policy

    def decide_unnamed(self, who: Who, url: str, now: datetime | None = None) -> Decision:
        """A connection to the URL's address that cannot be looked inside: the policy's `unnamed`."""
        return self._policy().decide_unnamed(who.user, url, now or self.clock.now(), client_ip=who.client_ip)

    def decide(self, who: Who, url: str, method: str = "GET", now: datetime | None = None) -> Decision:
        if self.fault:       # as `_policy`, inline: this runs for every request
            raise PolicyUnavailable("deciding fails on purpose (watercooler_test_fault=decide)")
        policy = self.holder.policy
        if policy is None:
            raise PolicyUnavailable("no valid policy is loaded")
        now = now or self.clock.now()
        ts = now.timestamp()
        key = (who, url, method)
        decision = self.known.get(policy, key, ts)
        if decision is None:
            decision = policy.decide(
                who.user, url, now, method=method, client_ip=who.client_ip,
                used_minutes=self.counter.used_for(who.user, now),
                continued=lambda rule, site: self.continued.is_continued(who.key, rule, site, now),
            )
            self.known.put(policy, key, ts, decision)
        return decision
