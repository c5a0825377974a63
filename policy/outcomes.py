"""From the deciding rule to what the request gets: the outcome, quota status, sentence, alternatives.

Kept apart from `Policy.decide` so that each piece stays small; all of it runs per request, so it
works on epoch seconds and caches what does not depend on the request's own arguments.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from policy.compiler import CompiledRule
from policy.decision import Alternative, QuotaStatus, build_quota
from policy.localtime import HORIZON
from policy.reading import reads
from policy.reasons import opens_text, reason
from policy.sitemap import HostMatch
from policy.timeline import Timeline

if TYPE_CHECKING:
    from policy.engine import Continued, Policy, UsedMinutes


def outcome(policy: Policy, rule: CompiledRule | None, match: HostMatch, ts: float, method: str,
            used_minutes: UsedMinutes, continued: Continued, end: float | None,
            until: datetime | None) -> tuple[str, QuotaStatus | None, datetime | None]:
    """(action, quota status, until) for a request decided by `rule` (None: the default)."""
    if rule is None:
        return policy.doc.default, None, until
    written = rule.rule
    kind = written.action
    if kind == "read-only":
        return ("allow" if reads(method) else "block"), None, until
    if kind == "warn":
        shown = continued(written.name, match.key) if callable(continued) else continued
        return ("allow" if shown else "warn"), None, until
    if kind != "quota":
        return kind, None, until
    limit, per = written.quota.minutes, written.quota.per
    start, resets_at, resets_ts = policy.periods.period(ts, per)
    used = int(used_minutes(written.name, start) if callable(used_minutes) else used_minutes)
    quota = build_quota(limit, used, max(0, limit - used), per, start, resets_at)
    if used < limit:
        return "allow", quota, until
    if resets_ts <= ts + HORIZON and (end is None or resets_ts < end):
        until = resets_at             # blocked until the budget resets, unless a schedule opens first
    return "block", quota, until


def reason_for(policy: Policy, timeline: Timeline, rule: CompiledRule | None, action: str,
               match: HostMatch, quota: QuotaStatus | None, today: date) -> str:
    """The employee's sentence; the same for every request alike on a day but for quota figures, so cached."""
    key = (rule, action, match, today) if quota is None else \
        (rule, action, match, today, quota.used, quota.limit, quota.resets_at)
    found = timeline.reasons.get(key)
    if found is None:
        written = rule.rule if rule is not None else None
        opens = "" if action == "allow" else opens_text(
            (other.rule for other in timeline.rules if other is not rule), policy.doc.schedules, today)
        found = reason(action, written, match.label, match.key is not None, policy.doc.default, opens, quota)
        if len(timeline.reasons) > 4096:
            timeline.reasons.clear()
        timeline.reasons[key] = found
    return found


def alternatives(policy: Policy, principal: int, ts: float) -> tuple[Alternative, ...]:
    """The internal-community sites open to this principal at `ts` (a plain read: GET, no minutes used).

    The answer holds until any of those sites' deciding rules changes, so it is cached per principal
    for that stretch of time."""
    seen = policy.alternatives_seen.get(principal)
    if seen is not None and seen[0] <= ts < seen[1]:
        return seen[2]
    found: list[Alternative] = []
    low, high = float("-inf"), ts + HORIZON
    for site, match in policy.internal_sites:
        timeline = policy.timeline(principal & match.mask)
        rule, start, end, _ = timeline.at(ts)
        low, high = max(low, start), min(high, end if end is not None else high)
        if _open_to_read(policy, rule):
            found.append(Alternative(site.name, site.label, f"https://{site.domains[0]}/"))
    if len(policy.alternatives_seen) > 65536:
        policy.alternatives_seen.clear()
    result = tuple(found)
    policy.alternatives_seen[principal] = (low, high, result)
    return result


def _open_to_read(policy: Policy, rule: CompiledRule | None) -> bool:
    if rule is None:
        return policy.doc.default == "allow"
    written = rule.rule
    if written.action == "quota":
        return written.quota is not None and written.quota.minutes > 0
    return written.action in ("allow", "read-only")
