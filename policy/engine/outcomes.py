"""From the deciding rule to what the request gets: the outcome, quota status, sentence, alternatives.

Kept apart from `Policy.decide` so that each piece stays small; all of it runs per request, so it
works on epoch seconds and caches what does not depend on the request's own arguments.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from policy.engine.compiler import CompiledRule
from policy.engine.decision import Alternative, QuotaStatus, build_quota
from policy.engine.localtime import HORIZON
from policy.engine.reading import reads
from policy.engine.sitemap import HostMatch
from policy.engine.timeline import Timeline
from policy.model import Rule
from policy.words.openings import pattern
from policy.words.openings_text import opens_sentence
from policy.words.reasons import never, reason

if TYPE_CHECKING:
    from policy.engine.engine import Continued, Policy, UsedMinutes


def outcome(policy: Policy, rule: CompiledRule | None, match: HostMatch, ts: float, method: str,
            used_minutes: UsedMinutes, continued: Continued, end: float | None,
            until: datetime | None, extra: int = 0) -> tuple[str, QuotaStatus | None, datetime | None]:
    """(action, quota status, until) for a request decided by `rule` (None: the default); `extra`
    minutes a manager added today raise a quota's limit (policy/changes/extra_minutes.py)."""
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
    settings = written.quota
    if settings is None:        # policy/language/rulecheck.py gives every quota rule its settings
        raise ValueError(f"rule {written.name!r} is a quota without quota settings")
    limit, per = settings.minutes + extra, settings.per
    start, resets_at, resets_ts = policy.periods.period(ts, per)
    used = int(used_minutes(written.name, start) if callable(used_minutes) else used_minutes)
    quota = build_quota(limit, used, max(0, limit - used), per, start, resets_at)
    if used < limit:
        return "allow", quota, until
    if resets_ts <= ts + HORIZON and (end is None or resets_ts < end):
        until = resets_at             # blocked until the budget resets, unless a schedule opens first
    return "block", quota, until


class Asker(NamedTuple):
    """Who asked, as far as when the site opens to them depends on it."""
    user: str | None
    client_ip: object
    method: str
    granted: str | None             # the user, when grants exist (a grant opens a site to them alone)


def reason_for(policy: Policy, timeline: Timeline, rule: CompiledRule | None, action: str,
               match: HostMatch, quota: QuotaStatus | None, today: date, asker: Asker) -> str:
    """The employee's sentence; the same for every request alike on a day but for quota figures, so cached."""
    networks = tuple(sorted(policy.networks_of(asker.client_ip))) if asker.client_ip is not None else ()
    key: tuple[object, ...] = (rule, action, match, today, reads(asker.method), asker.granted, networks,
                               asker.user is None)
    if quota is not None:
        key += (quota.used, quota.limit, quota.resets_at)
    found = timeline.reasons.get(key)
    if found is None:
        written = rule.rule if rule is not None else None
        opens = ""
        if action != "allow":
            url = f"https://{match.host}/"
            lead = "Posting is open to you" if written is not None and written.action == "read-only" else "Open to you"
            found_opens = opens_sentence(pattern(policy, asker.user, url, today, method=asker.method,
                                                 client_ip=asker.client_ip), lead)
            if quota is not None and not found_opens.startswith(f"{lead}:"):
                found_opens = ""            # only the budget opens it: the sentence says when it resets
            if not found_opens and action == "block" and quota is None and written is not None:
                found = never(match.label, _named(written, "network:", networks),
                                       asker.user is None and written is not None and "anonymous" in written.who)
            opens = f" {found_opens}" if found_opens else ""
        if found is None:
            budget = policy.budgets.get(written.name) if written is not None and quota is not None else None
            found = reason(action, written, match.label, match.key is not None, policy.doc.default, opens, quota,
                           budget)
        if len(timeline.reasons) > 4096:
            timeline.reasons.clear()
        timeline.reasons[key] = found
    return found


def _named(rule: Rule | None, prefix: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The names (e.g. the asker's networks) that the rule's `who` names with `prefix`."""
    if rule is None:
        return ()
    return tuple(entry[len(prefix):] for entry in rule.who if entry.startswith(prefix) and entry[len(prefix):] in names)


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
