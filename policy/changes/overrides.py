"""What the panel changes on top of the rules: per-group adjustments and per-user temporary grants.

An `Adjustment` lets the managers of a group move a rule within its `adjustable` bounds for that
group: the quota's minutes, the action, or the schedules in `when`. The group must be one of the
rule's `who` groups or be included in one, and the adjustment applies to its members, at any depth.

A person in several adjusted groups gets the most generous value of each field, independently:
- minutes: the highest;
- action: the first of allow > warn > read-only > quota > block;
- when: the union of the schedules.

A `Grant` lets one user use one site until it expires, whatever the rules say, when the rules let
managers grant it (policy/changes/grants.py): a grant outside those bounds is refused like a bad adjustment.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from policy.actions import GENEROSITY
from policy.changes.grants import check_grant
from policy.engine.compiler import Variant
from policy.engine.principals import Groups
from policy.model import PolicyDoc, Quota, Rule


@dataclass(frozen=True)
class Adjustment:
    rule: str
    group: str
    minutes: int | None = None
    action: str | None = None
    when: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Grant:
    user: str
    site: str                   # a site's name (or "domain:D", as in `Decision.site`)
    expires_at: datetime        # aware; naive means the policy's zone
    starts_at: datetime | None = None   # with expires_at, how long it lasts (None: not checked)
    granted_by: str | None = None
    minutes: int | None = None  # set: budget minutes added until expires_at (changes/extra_minutes.py), not the site


def variants(doc: PolicyDoc, adjustments: tuple[Adjustment, ...]) -> dict[str, tuple[Variant, ...]]:
    """Per rule name, the adjusted copies of it and the users each is for; ValueError on a bad one."""
    if not adjustments:
        return {}
    groups = Groups(doc.groups)
    rules = {rule.name: rule for rule in doc.rules}
    per_user: dict[tuple[str, str], list[Adjustment]] = {}
    for adjustment in adjustments:
        _check(adjustment, rules, groups)
        for user in groups.members[adjustment.group]:
            per_user.setdefault((adjustment.rule, user), []).append(adjustment)
    made: dict[tuple[str, Rule], tuple[set[str], set[str]]] = {}
    for (name, user), found in per_user.items():
        rule = _combine(rules[name], found)
        users, owners = made.setdefault((name, rule), (set(), set()))
        users.add(user)
        owners.update(adjustment.group for adjustment in found)
    result: dict[str, list[Variant]] = {}
    for (name, rule), (users, owners) in made.items():
        result.setdefault(name, []).append(Variant(rule, frozenset(users), tuple(sorted(owners))))
    return {name: tuple(found) for name, found in result.items()}


def grant_table(doc: PolicyDoc, grants: tuple[Grant, ...], zone: tzinfo) -> dict[Any, Any]:
    """(user, site) → (expiry in epoch seconds, expiry) — the latest grant wins."""
    table: dict[tuple[str, str], tuple[float, datetime]] = {}
    groups: Groups | None = None      # compiled once, for the first grant of a site
    for grant in grants:
        if grant.minutes is not None:
            continue    # extra budget minutes: policy/changes/extra_minutes.py
        known = grant.site in doc.sites or any(grant.site in rule.sites for rule in doc.rules)
        if not known:
            raise ValueError(f"cannot grant {grant.site!r} to {grant.user}: there is no such site")
        groups = groups or Groups(doc.groups)
        check_grant(doc, groups, grant.user, grant.site, grant.starts_at, grant.expires_at, grant.granted_by)
        expires = grant.expires_at if grant.expires_at.tzinfo else grant.expires_at.replace(tzinfo=zone)
        expires = expires.astimezone(zone)
        key = (grant.user, grant.site)
        if key not in table or table[key][0] < expires.timestamp():
            table[key] = (expires.timestamp(), expires)
    return table


def _check(adjustment: Adjustment, rules: dict[str, Rule], groups: Groups) -> None:
    rule = rules.get(adjustment.rule)
    if rule is None:
        raise ValueError(f"there is no rule named {adjustment.rule!r}")
    name, bounds = rule.name, rule.adjustable
    if bounds is None:
        raise ValueError(f"rule {name} is not adjustable: its rules file has no 'adjustable:' for it")
    if adjustment.group not in groups.members:
        raise ValueError(f"there is no group named {adjustment.group!r}")
    outer = [entry[6:] for entry in rule.who if entry.startswith("group:")]
    if not any(groups.within(adjustment.group, group) for group in outer):
        allowed = ", ".join(outer) or "no group (it applies to everyone)"
        raise ValueError(f"rule {name} cannot be adjusted for group {adjustment.group}: "
                         f"it applies to {allowed}, and {adjustment.group} is not one of them or inside one")
    if adjustment.minutes is not None:
        if bounds.minutes is None:
            raise ValueError(f"the minutes of rule {name} are not adjustable")
        low, high = bounds.minutes
        if not low <= adjustment.minutes <= high:
            raise ValueError(f"{adjustment.minutes} minutes is outside what rule {name} allows "
                             f"({low} to {high} minutes)")
    if adjustment.action is not None and adjustment.action not in (bounds.actions or ()):
        allowed = ", ".join(bounds.actions) if bounds.actions else "none: the action is not adjustable"
        raise ValueError(f"rule {name} cannot become {adjustment.action!r} (allowed: {allowed})")
    if adjustment.when is not None and not adjustment.when:
        raise ValueError(f"an adjustment of rule {name} names no schedule in 'when': give at least one")
    for schedule in adjustment.when or ():
        if schedule not in (bounds.when or ()):
            allowed = ", ".join(bounds.when) if bounds.when else "none: its times are not adjustable"
            raise ValueError(f"rule {name} cannot apply during {schedule!r} (allowed: {allowed})")
    if adjustment.minutes is not None and rule.quota is None and adjustment.action != "quota":
        raise ValueError(f"rule {name} has no quota, so its minutes cannot be adjusted")


def _combine(rule: Rule, adjustments: Iterable[Adjustment]) -> Rule:
    adjustments = list(adjustments)
    minutes = [a.minutes for a in adjustments if a.minutes is not None]
    actions = [a.action for a in adjustments if a.action is not None]
    whens = [a.when for a in adjustments if a.when is not None]
    changes: dict[str, Any] = {}
    if actions:
        changes["action"] = min(actions, key=GENEROSITY.index)
    if minutes:
        changes["quota"] = Quota(max(minutes), rule.quota.per if rule.quota else "day")
    if whens:
        changes["when"] = tuple(dict.fromkeys(name for when in whens for name in when))
    action = changes.get("action", rule.action)
    if action == "quota" and changes.get("quota", rule.quota) is None:
        raise ValueError(f"rule {rule.name} cannot become a quota without minutes: give minutes too")
    return replace(rule, **changes)
