"""A validated `PolicyDoc` turned into lookup structures: rules as bits, principals and hosts as masks.

Each compiled rule owns one bit. Per user (groups resolved), per network, for anonymous requests and
for everyone else, a mask holds the bits of the rules whose `who` covers them; per site and per
`domain:` entry, a mask holds the rules whose `sites` cover it. The rules that can apply to a request
are then `principal mask & host mask`, in rule order — no loop over the policy per request.

Per-group adjustments (`policy.changes.overrides`) compile into variants of a rule: a variant sits just
before the rule it adjusts and only the users it was made for carry its bit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo

from policy.engine.principals import Groups, Networks
from policy.engine.schedules import CompiledSchedule
from policy.engine.sitemap import SiteMap
from policy.model import PolicyDoc, Rule


@dataclass(eq=False)
class CompiledRule:
    index: int
    rule: Rule                              # the rule in effect (adjusted, for a variant)
    when: tuple[CompiledSchedule, ...]
    except_: tuple[CompiledSchedule, ...]
    adjusted_for: tuple[str, ...] = ()       # the groups whose adjustments made this variant
    always: bool = field(init=False)

    def __post_init__(self) -> None:
        self.always = not self.when and not self.except_

    @property
    def name(self) -> str:
        return self.rule.name

    def active_at(self, ts: float) -> bool:
        if self.when and not any(schedule.inside_at(ts) for schedule in self.when):
            return False
        return not any(schedule.inside_at(ts) for schedule in self.except_)


@dataclass(frozen=True)
class Variant:
    """An adjusted copy of a rule for some users (see `policy.changes.overrides`)."""
    rule: Rule
    users: frozenset[str]
    groups: tuple[str, ...]


@dataclass
class Compiled:
    rules: tuple[CompiledRule, ...]
    schedules: dict[str, CompiledSchedule]
    groups: Groups
    nets: Networks
    sitemap: SiteMap
    everyone: int                           # rules that cover any request
    anonymous: int                          # rules that cover requests without identity
    users: dict[str, int]                   # per known user: every rule that covers them
    networks: dict[str, int]                # per network: the rules naming it


def compile_doc(doc: PolicyDoc, zone: tzinfo,
                variants: Mapping[str, tuple[Variant, ...]] | None = None) -> Compiled:
    groups = Groups(doc.groups)
    schedules = {name: CompiledSchedule(schedule, zone) for name, schedule in doc.schedules.items()}
    rules: list[CompiledRule] = []
    everyone = anonymous = 0
    users: dict[str, int] = {}
    networks: dict[str, int] = {}
    site_masks: dict[str, int] = {}
    domain_masks: dict[str, int] = {}
    for rule in doc.rules:
        adjusted: set[str] = set()
        for variant in (variants or {}).get(rule.name, ()):
            bit = _add(rules, variant.rule, schedules, variant.groups)
            for user in variant.users:
                users[user] = users.get(user, 0) | bit
            adjusted |= variant.users
            _cover_sites(rule, bit, doc, site_masks, domain_masks)
        bit = _add(rules, rule, schedules, ())
        _cover_sites(rule, bit, doc, site_masks, domain_masks)
        for entry in rule.who or ("everyone",):
            kind, _, name = entry.partition(":")
            if kind == "everyone":
                everyone |= bit
            elif kind == "anonymous":
                anonymous |= bit
            elif kind == "network":
                networks[name] = networks.get(name, 0) | bit
            else:
                named = {name} if kind == "user" else groups.members.get(name, frozenset())
                for user in named - adjusted:
                    users[user] = users.get(user, 0) | bit
    for user in users:
        users[user] |= everyone
    sitemap = SiteMap(doc.sites, doc.categories, site_masks, domain_masks)
    return Compiled(tuple(rules), schedules, groups, Networks(doc.networks), sitemap,
                    everyone, anonymous, users, networks)


def _add(rules: list[CompiledRule], rule: Rule, schedules: dict[str, CompiledSchedule],
         groups: tuple[str, ...]) -> int:
    unknown = [name for name in rule.when + rule.except_ if name not in schedules]
    if unknown:   # the loader refuses this first; a hand-made PolicyDoc may not have been checked
        raise ValueError(f"rule {rule.name} ({rule.source}) names unknown schedule {unknown[0]!r}")
    when = tuple(schedules[name] for name in rule.when)
    except_ = tuple(schedules[name] for name in rule.except_)
    rules.append(CompiledRule(len(rules), rule, when, except_, groups))
    return 1 << (len(rules) - 1)


def _cover_sites(rule: Rule, bit: int, doc: PolicyDoc, site_masks: dict[str, int],
                 domain_masks: dict[str, int]) -> None:
    for entry in rule.sites:
        kind, _, name = entry.partition(":")
        if kind == "domain":
            domain_masks[name] = domain_masks.get(name, 0) | bit
        elif kind == "category":
            for site in doc.sites.values():
                if site.category == name:
                    site_masks[site.name] = site_masks.get(site.name, 0) | bit
        elif entry in doc.sites:
            site_masks[entry] = site_masks.get(entry, 0) | bit
        else:
            raise ValueError(f"rule {rule.name} ({rule.source}) names unknown site {entry!r}")
