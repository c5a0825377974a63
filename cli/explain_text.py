"""The human layout of `watercooler explain`: the outcome first, then the facts, then the numbered trace."""
from __future__ import annotations

import textwrap
from datetime import datetime

from policy.engine.decision import Decision
from policy.request import Request, unnamed

WIDTH = 100   # reasons can be long sentences: wrapped, so a terminal shows them as a paragraph
_OUTCOME = {"allow": "ALLOWED", "block": "BLOCKED", "warn": "WARNING (Continue possible)"}


def render(policy, request: Request, decision: Decision, using: str | None = None) -> str:
    """`using`: where the adjustments, grants and minutes came from (cli/explain_db.py), shown under the request."""
    zone = policy.timezone
    who = request.user or "an anonymous user"
    if request.ip:
        who += f" from {request.ip}"
    lines = [f"{_OUTCOME.get(decision.action, decision.action.upper())}: {request.method} {request.url}",
             f"  for {who} at {_when(request.at.astimezone(zone))} ({zone})"]
    if using:
        lines.append(f"  {using}")        # one line, never wrapped: it ends with the database's URL
    lines.append("")
    rule = _unnamed(policy) if unnamed(request) else _rule(policy, decision)
    facts = [("Groups", _groups(policy, request.user)), ("Site", _site(policy, decision)), ("Rule", rule),
             ("Reason", decision.reason), ("Message", decision.message),
             ("Until", _until(decision, zone)), ("Opens", _opens(decision, zone)),
             ("Quota", _quota(policy, decision, zone))]
    for label, text in facts:
        if text:
            lines += textwrap.wrap(text, WIDTH, initial_indent=f"  {label:<13}", subsequent_indent=" " * 15,
                                   break_on_hyphens=False)
    offered = decision.alternatives if decision.action != "allow" else ()
    width = max((len(alt.label) for alt in offered), default=0)
    for number, alt in enumerate(offered):
        lines.append(f"  {'Open instead' if number == 0 else '':<13}{alt.label:<{width}}  {alt.url}")
    lines += ["", "How it was decided:"]
    width = max((len(step.rule) for step in decision.trace), default=0)
    for number, step in enumerate(decision.trace, start=1):
        mark = "->" if step.matched else "  "
        why = step.why if step.why.startswith(("match", "no rule")) or not step.matched else f"matches: {step.why}"
        lines.append(f"{mark} {number:>2}. {step.rule:<{width}}  {why if step.matched else 'skipped: ' + why}")
    return "\n".join(lines)


def _groups(policy, user: str | None) -> str | None:
    """Where the person's groups come from; shown when the rules take groups from the directory."""
    if user is None or not any(group.directory for group in policy.doc.groups.values()):
        return None
    found = policy.membership_sources(user)
    text = "; ".join(f"{name}: {how}" for name, how in found.items()) or "none"
    if policy.directory is None:
        text += " (no directory snapshot: directory groups have only their listed members; run " \
                "`watercooler directory sync`)"
    return text


def _when(moment: datetime) -> str:
    return moment.strftime("%a %d %b %Y %H:%M")


def _site(policy, decision: Decision) -> str:
    if decision.site is None:
        return f"{decision.host} (not in the catalogue)"
    doc = policy.doc
    site = doc.sites.get(decision.site) if doc else None
    category = doc.categories.get(decision.category) if doc and decision.category else None
    text = f"{site.label if site else decision.site} ({decision.site}"
    text += f", {category.label})" if category else ")"
    if decision.bundle:
        text += f"; {decision.host} is one of its asset hosts, never counted as use"
    return text


def _rule(policy, decision: Decision) -> str:
    if decision.rule is None:
        return f"none matched; the policy's default is {decision.rule_action}"
    doc = policy.doc
    rule = next((r for r in doc.rules if r.name == decision.rule), None) if doc else None
    where = f", {rule.source}" if rule else ""
    return f"{decision.rule} ({decision.rule_action}{where})"


def _unnamed(policy) -> str:
    allowed = ", ".join(policy.doc.unnamed.allow) or "nobody"
    return f"none: a bare address without the CA is decided by 'unnamed' (it allows {allowed})"


def _until(decision: Decision, zone) -> str | None:
    if decision.until is None:
        return None
    return f"{_when(decision.until.astimezone(zone))}; the decision changes then"


def _opens(decision: Decision, zone) -> str | None:
    """A refusal's next opening for this person, when it is not simply the next change."""
    if decision.action != "block":
        return None
    if decision.opens is None:
        return "not within four weeks for this request"
    if decision.opens == decision.until:
        return None
    return f"{_when(decision.opens.astimezone(zone))}; the first moment this request is let through"


def _quota(policy, decision: Decision, zone) -> str | None:
    quota = decision.quota
    if quota is None:
        return None
    resets = f"resets {_when(quota.resets_at.astimezone(zone))}"
    budget = policy.budgets.get(decision.rule) if decision.rule else None
    if budget is not None and budget.shared:      # one budget for all its sites: named, and said once
        return f"{budget.line(quota)}; {quota.used} minutes used; {resets}"
    period = "today" if quota.per == "day" else "this week"
    return f"{quota.used} of {quota.limit} minutes used {period}, {quota.remaining} left; {resets}"
