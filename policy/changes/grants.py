"""What managers may grant: one person, one site, for how long, as the rules' `adjustable.grant` allows.

A grant opens a site to a person whatever the rules say, so the rules decide whether it may be given.
The rule that speaks for a site and a person is the first, in order, that names the site (by name or
category), applies to the person by who they are (user:, group:, everyone) and limits something
(any action but allow): rules for networks or anonymous people are about places, not people, and
allow rules need no grant. That rule must carry `adjustable: {grant: {max: ...}}`, its `to:` groups
(if any) must hold the person, and the grant may last at most `max`. Nobody grants to themselves.

The panel (before it saves) and the effective policy (before the proxy enforces) both ask here, so a
grant the rules do not allow, or no longer allow, is refused by one and ignored by the other.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from policy.engine.principals import Groups
from policy.model import GrantBound, PolicyDoc, Rule


def grant_bound(doc: PolicyDoc, groups: Groups, user: str, site: str) -> tuple[Rule, GrantBound]:
    """The rule that speaks for `site` and `user`, and its bound; ValueError with a sentence if none."""
    rule = _speaking_rule(doc, groups, user, site)
    label = doc.sites[site].label if site in doc.sites else site
    if rule is None and doc.default == "block":
        raise ValueError(f"no rule lets managers grant {label} to {user}: no rule names it for them, "
                         "and the rules' default blocks it")
    if rule is None:
        raise ValueError(f"{label} is not limited for {user} by any rule, so there is nothing to grant")
    bound = rule.adjustable.grant if rule.adjustable else None
    if bound is None:
        where = f"{PurePath(rule.source.file).name}:{rule.source.line}"
        raise ValueError(f"rule {rule.name} ({where}) does not let managers grant {label}: "
                         "it has no 'adjustable: {grant: ...}'")
    if bound.to and not any(user in groups.members.get(group, ()) for group in bound.to):
        raise ValueError(f"rule {rule.name} lets managers grant {label} only to members of "
                         f"{', '.join(bound.to)}, and {user} is not one")
    return rule, bound


def check_grant(doc: PolicyDoc, groups: Groups, user: str, site: str, starts_at: datetime | None,
                expires_at: datetime, granted_by: str | None) -> None:
    """ValueError, with a sentence for the panel, unless the rules allow exactly this grant."""
    if granted_by is not None and granted_by == user:
        raise ValueError(f"{user} cannot grant access to themselves: another manager of their group "
                         "or an admin must")
    rule, bound = grant_bound(doc, groups, user, site)
    if starts_at is not None and (expires_at - starts_at).total_seconds() > bound.hours * 3600:
        raise ValueError(f"rule {rule.name} lets managers grant for at most {hours_words(bound.hours)}")


def hours_words(hours: int) -> str:
    if hours % 24 == 0:
        days = hours // 24
        return f"{days} day" + ("s" if days != 1 else "")
    return f"{hours} hour" + ("s" if hours != 1 else "")


def _speaking_rule(doc: PolicyDoc, groups: Groups, user: str, site: str) -> Rule | None:
    known = doc.sites.get(site)
    names = {site} | ({f"category:{known.category}"} if known else set())
    mine = groups.groups_of(user)
    for rule in doc.rules:
        if rule.action == "allow" or not names & set(rule.sites):
            continue
        if not rule.who or "everyone" in rule.who or f"user:{user}" in rule.who or \
                any(entry.startswith("group:") and entry[6:] in mine for entry in rule.who):
            return rule
    return None
