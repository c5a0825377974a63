"""Why a decision came out as it did: every rule considered, in order, and why it matched or not.

Built only when someone reads `Decision.trace` (see `policy.engine.decision`), by walking the rules as the
admin wrote them, in words an admin recognises: "who: bob is not in group:communications",
"when: outside lunch, evenings, holidays", "matches (who: group:staff; …) → allow".
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from policy.engine.compiler import CompiledRule
from policy.engine.decision import QuotaStatus, TraceStep

if TYPE_CHECKING:
    from policy.engine.why import Why


def trace_steps(rules: tuple[CompiledRule, ...], default: str, asked: Why) -> list[TraceStep]:
    """The steps for a request decided by `asked.rule` (None: the default, or the grant when one decided)."""
    if asked.grant is not None:
        return [TraceStep("grant", True, f"grant until {asked.grant.isoformat()} → allow")]
    deciding, action, quota = asked.rule, asked.action, asked.quota
    steps: list[TraceStep] = []
    varied: set[str] = set()
    for rule in rules:
        bit = 1 << rule.index
        if rule.adjusted_for and not asked.principal & bit:
            continue                 # a variant made for other people
        if rule.name in varied:
            continue                 # the rule as written, when this person's variant came before it
        if rule.adjusted_for:
            varied.add(rule.name)
        if rule is deciding:
            steps.append(TraceStep(rule.name, True, _verdict(rule, asked, action, quota)))
            return steps
        steps.append(TraceStep(rule.name, False, _miss(rule, asked, bit)))
    steps.append(TraceStep("default", True, f"no rule matched → default {default}"))
    return steps


def _miss(rule: CompiledRule, asked: Why, bit: int) -> str:
    if not asked.principal & bit:
        return f"who: {_subject(asked)} is not {' or '.join(map(_who_words, rule.rule.who))}"
    if not asked.match.mask & bit:
        return f"sites: {asked.match.host} is not {' or '.join(map(_site_words, rule.rule.sites))}"
    if rule.when and not any(schedule.inside_at(asked.ts) for schedule in rule.when):
        return f"when: outside {', '.join(rule.rule.when)}"
    inside = [schedule.name for schedule in rule.except_ if schedule.inside_at(asked.ts)]
    return f"except: inside {', '.join(inside)}"


def _verdict(rule: CompiledRule, asked: Why, action: str, quota: QuotaStatus | None) -> str:
    parts = [f"who: {', '.join(rule.rule.who) or 'everyone'}",
             f"sites: {asked.match.host} is {asked.match.key}"]
    if rule.when:
        parts.append(f"when: inside {', '.join(s.name for s in rule.when if s.inside_at(asked.ts))}")
    if rule.adjusted_for:
        parts.append(f"adjusted for {', '.join('group:' + group for group in rule.adjusted_for)}")
    kind = rule.rule.action
    if kind == "quota" and quota is not None:
        period = "today" if quota.per == "day" else "this week"
        detail = f"quota: {quota.used} of {quota.limit} minutes used {period}"
    elif kind == "read-only":
        detail = f"read-only: {asked.method} {'reads' if action == 'allow' else 'writes'}"
    elif kind == "warn":
        detail = "warn: continued" if action == "allow" else "warn: not continued yet"
    else:
        detail = kind
    return f"matches ({'; '.join(parts)}); {detail} → {action}"


def _subject(asked: Why) -> str:
    who = asked.user if asked.user is not None else "an anonymous request"
    return f"{who} from {asked.client_ip}" if asked.client_ip is not None else who


def _who_words(entry: str) -> str:
    kind = entry.partition(":")[0]
    return {"group": f"in {entry}", "network": f"on {entry}"}.get(kind, entry)


def _site_words(entry: str) -> str:
    kind = entry.partition(":")[0]
    return {"category": f"in {entry}", "domain": f"under {entry}"}.get(kind, entry)
