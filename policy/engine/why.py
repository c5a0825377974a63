"""`Why`: what the engine keeps of a request, to explain its decision should anyone ask.

A Decision is enforced far more often than read: its sentence, alternatives and trace are worked out
from these facts on first read (see `policy.engine.decision._Explained`), never while deciding.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from policy.engine.decision import Alternative, QuotaStatus, TraceStep
from policy.engine.outcomes import Asker, alternatives, reason_for
from policy.engine.reading import reads
from policy.engine.trace import trace_steps
from policy.words.friendly_time import friendly_moment
from policy.words.messages import fill
from policy.words.openings import next_opening
from policy.words.reasons import granted

if TYPE_CHECKING:
    from policy.engine.compiler import CompiledRule
    from policy.engine.engine import Policy
    from policy.engine.sitemap import HostMatch
    from policy.engine.timeline import Timeline


class Why(NamedTuple):
    policy: Policy
    timeline: Timeline | None       # the rules that could decide for this asker and host; None for a grant
    rule: CompiledRule | None       # the deciding rule; None for the default or a grant
    action: str                     # the outcome: allow | block | warn
    match: HostMatch
    quota: QuotaStatus | None
    user: str | None
    client_ip: object
    principal: int                  # bits of the rules whose `who` covers the asker
    ts: float
    method: str
    grant: datetime | None          # when the manager's grant that decided ends; None: no grant decided

    def explain_reason(self) -> str:
        if self.grant is not None:
            return granted(self.match.label, self.grant)
        policy, timeline = self.policy, self.timeline
        assert timeline is not None             # only a grant decides without the rules' timeline
        today = datetime.fromtimestamp(self.ts, policy.timezone).date()
        asker = Asker(self.user, self.client_ip, self.method, self.user if policy.grants else None)
        return reason_for(policy, timeline, self.rule, self.action, self.match, self.quota, today, asker)

    def explain_opens(self) -> datetime | None:
        if self.action != "block" or self.timeline is None:
            return None
        policy, timeline, quota = self.policy, self.timeline, self.quota
        # Every moment of one piece of the timeline, refused alike, opens at the same moment: cached per piece.
        key = ("opens", self.rule, self.match, timeline.at(self.ts)[1], reads(self.method),
               self.user if policy.grants else None, self.client_ip if policy.doc.networks else None,
               self.user is None, quota and (quota.used, quota.period_start))
        if key in timeline.reasons:
            cached: datetime | None = timeline.reasons[key]
            return cached
        found = next_opening(policy, self.user, f"https://{self.match.host}/",
                             datetime.fromtimestamp(self.ts, policy.timezone), method=self.method,
                             client_ip=self.client_ip, used_minutes=quota.used if quota is not None else 0)
        if len(timeline.reasons) > 4096:
            timeline.reasons.clear()
        timeline.reasons[key] = found
        return found

    def explain_message(self) -> str | None:
        """The deciding rule's message, its placeholders filled from the rule in force for this person."""
        message = None if self.rule is None else self.rule.rule.message
        if self.rule is None or message is None:
            return None
        rule, policy = self.rule.rule, self.policy
        budget = policy.budgets.get(rule.name)

        def opens() -> str:
            moment = self.explain_opens()
            now = datetime.fromtimestamp(self.ts, policy.timezone)
            return friendly_moment(moment, now, policy.timezone) if moment is not None else ""
        return fill(message, {
            "minutes": lambda: rule.quota.minutes if rule.quota else "",
            "per": lambda: rule.quota.per if rule.quota else "",
            "site": lambda: self.match.label,
            "budget": lambda: budget.name if budget is not None else self.match.label,
            "opens": opens})

    def explain_alternatives(self) -> tuple[Alternative, ...]:
        return alternatives(self.policy, self.principal, self.ts)

    def explain_trace(self) -> list[TraceStep]:
        return trace_steps(self.policy.rules(), self.policy.doc.default, self)


# `Why(...)` goes through a Python-level __new__; the engine builds one per request, so it calls the
# C constructor directly: `made(Why, (policy, timeline, ...))`, the fields in the order above.
made = tuple.__new__
