"""The policy as the engine understood it, in plain words for the status page."""
from __future__ import annotations

from policy.actions import REGISTRY
from policy.engine.engine import Policy
from policy.model import Rule


def _who(entry: str) -> str:
    kind, _, name = entry.partition(":")
    return {"user": f"user {name}", "group": f"group {name}", "network": f"network {name}"}.get(
        kind, "people without an identity" if entry == "anonymous" else "everyone")


def _site(policy: Policy, entry: str) -> str:
    if entry.startswith("category:"):
        category = policy.doc.categories.get(entry[9:])
        return f"all of {category.label if category else entry[9:]}"
    if entry.startswith("domain:"):
        return entry[7:]
    site = policy.sites.get(entry)
    return site.label if site else entry


def describe_rule(policy: Policy, rule: Rule) -> str:
    who = ", ".join(_who(entry) for entry in rule.who) or "everyone"
    sites = ", ".join(_site(policy, entry) for entry in rule.sites)
    quota = rule.quota
    what = REGISTRY[rule.action].status.format(minutes=quota and quota.minutes, per=quota and quota.per,
                                               remember=rule.remember)
    when = f" during {', '.join(rule.when)}" if rule.when else ""
    unless = f" except during {', '.join(rule.except_)}" if rule.except_ else ""
    return f"For {who}: {sites} {what}{when}{unless}."


def describe_default(policy: Policy) -> str:
    """What happens to anything no rule matches: "anything else is closed"."""
    return f"anything else {REGISTRY[policy.doc.default].status}"
