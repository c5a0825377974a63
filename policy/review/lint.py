"""Warnings about a policy that loads but probably does not say what its author meant.

A shadowed rule (never reached), names nothing refers to, a site no request can match, and the
company's own community blocked for everyone, and a message that states minutes managers can change.
`watercooler check` prints them; `--strict` fails on them.
"""
from __future__ import annotations

from typing import Any

from policy.loading.problems import Problem
from policy.model import PolicyDoc, Rule
from policy.review.coverage import Coverage, under
from policy.words import messages


def lint(doc: PolicyDoc) -> list[Problem]:
    cover = Coverage(doc)
    return [*_shadowed(doc, cover), *_unused(doc, cover), *_empty_sites(doc), *_internal_blocked(doc, cover),
            *_unnamed_open(doc), *_fixed_numbers(doc)]


def _warn(source: Any, message: str, fix: str) -> Problem:
    return Problem.at(source, message, fix, severity="warning")


def _always(rule: Rule) -> bool:
    """The rule applies at every moment, and no manager can make it conditional."""
    return not rule.when and not rule.except_ and not (rule.adjustable and rule.adjustable.when)


def _shadowed(doc: PolicyDoc, cover: Coverage) -> list[Problem]:
    problems = []
    for index, rule in enumerate(doc.rules):
        for earlier in doc.rules[:index]:
            if (_always(earlier) and cover.who_covers(earlier.who, rule.who)
                    and cover.sites_cover(earlier.sites, rule.sites)):
                problems.append(_warn(rule.source, f"rule '{rule.name}' can never match: rule '{earlier.name}' "
                                      f"(at {earlier.source}) comes first and matches all it would",
                                      f"move it above '{earlier.name}', or narrow '{earlier.name}' "
                                      "with who, sites, when or except"))
                break
    return problems


def _unused(doc: PolicyDoc, cover: Coverage) -> list[Problem]:
    sites = {s for r in doc.rules for s in r.sites}
    schedules = {s for r in doc.rules for s in (*r.when, *r.except_, *((r.adjustable and r.adjustable.when) or ()))}
    who = {w for r in doc.rules for w in r.who}
    groups = {g for w in who if w.startswith("group:") for g in cover.groups_in[w[6:]]}
    problems = []
    for name, site in doc.sites.items():
        internal = site.category in doc.categories and doc.categories[site.category].internal
        used = name in sites or f"category:{site.category}" in sites or cover.site_in(name, tuple(sites))
        if not used and not internal:   # internal sites serve as alternatives even without a rule
            problems.append(_warn(site.source, f"site '{name}' is not used by any rule",
                                  "name it or its category in a rule's sites, or remove it"))
    for kind, names, named in (("schedule", doc.schedules, schedules), ("group", doc.groups, groups),
                               ("network", doc.networks, {w[8:] for w in who if w.startswith("network:")})):
        for name, thing in names.items():
            if name not in named:
                hint = "a rule's when or except" if kind == "schedule" else f"a rule's who as {kind}:{name}"
                problems.append(_warn(thing.source, f"{kind} '{name}' is not used by any rule",
                                      f"use it in {hint}, or remove it"))
    return problems


def _empty_sites(doc: PolicyDoc) -> list[Problem]:
    return [_warn(site.source, f"site '{name}' has no domains, so no request can match it",
                  "add 'domains: [example.com]'") for name, site in doc.sites.items() if not site.domains]


def _internal_blocked(doc: PolicyDoc, cover: Coverage) -> list[Problem]:
    problems = []
    for name, site in doc.sites.items():
        category = doc.categories.get(site.category)
        if not (category and category.internal and site.domains):
            continue
        first = next((r for r in doc.rules if _touches(cover, name, r)), None)
        if first is None and doc.default == "block":
            problems.append(_warn(site.source, f"internal community site '{name}' is blocked for everyone "
                                  "by 'default: block'", f"add a rule that allows '{name}'"))
        elif (first and first.action == "block" and _always(first) and cover.who_covers(first.who, ())
              and cover.site_in(name, first.sites)):
            problems.append(_warn(first.source, f"rule '{first.name}' blocks internal community site "
                                  f"'{name}' for everyone", f"allow '{name}' in an earlier rule, or narrow "
                                  f"'{first.name}'"))
    return problems


def _unnamed_open(doc: PolicyDoc) -> list[Problem]:
    limiting = next((rule for rule in doc.rules if rule.action != "allow"), None)
    if "everyone" not in doc.unnamed.allow or doc.unnamed.source is None or (limiting is None
                                                                            and doc.default == "allow"):
        return []
    what = f"rule '{limiting.name}'" if limiting else "'default: block'"
    return [_warn(doc.unnamed.source, f"'unnamed' lets everyone open bare addresses, so without the CA "
                  f"people reach by address what {what} closes to them",
                  "use 'unnamed: unrestricted' (the default), or list who may: {allow: [group:NAME]}")]


def _touches(cover: Coverage, site: str, rule: Rule) -> bool:
    """The rule decides at least some requests to the site."""
    domains = [s[7:] for s in rule.sites if s.startswith("domain:")]
    return cover.site_in(site, rule.sites) or any(under(h, d) or under(d, h) for h in cover.hosts(site)
                                                  for d in domains)


def _fixed_numbers(doc: PolicyDoc) -> list[Problem]:
    """A message saying "Thirty minutes" on a rule whose minutes managers may set says the wrong thing."""
    return [_warn(rule.source, f"the message of rule '{rule.name}' states a number, but managers can change its "
                  "minutes, so it may not say what is enforced",
                  "write {minutes} where it says the minutes, e.g. 'message: {minutes} minutes a day'")
            for rule in doc.rules
            if rule.message and rule.adjustable and rule.adjustable.minutes is not None
            and messages.states_a_number(rule.message) and not messages.uses(rule.message, "minutes")]
