"""Stage 4: the merged files → a validated `PolicyDoc`, or every problem found on the way.

Runs after the shape of every file is known to be right (stage 2), so values have the types the
schema promises; this stage checks what needs the whole policy: references, zones, times, domains.
"""
from __future__ import annotations

from policy.language.catalogue import build_categories, build_networks, build_sites
from policy.language.groups import build_groups
from policy.language.references import Names
from policy.language.rulecheck import build_rules
from policy.language.windows import build_schedules
from policy.language.zones import check_zone
from policy.loading.merge import Merged
from policy.loading.problems import Invalid, PolicyError, Problem
from policy.model import PolicyDoc
from policy.unnamed import build_unnamed


def build_doc(merged: Merged, origin: str) -> PolicyDoc:
    """The validated policy; PolicyError with every problem otherwise. `origin`: the folder or file given."""
    problems: list[Problem] = []
    settings = merged.settings
    for key, example in (("version", "version: 1"), ("timezone", "timezone: Europe/Berlin")):
        if key not in settings:
            problems.append(Problem(origin, 0, 0, f"no file sets '{key}'", f"add '{example}' to one of the files"))
    zone = settings.get("timezone")
    if zone is not None:
        try:
            check_zone(zone.value)
        except Invalid as exc:
            problems.append(Problem.at(zone.at(), exc.message, exc.fix))
    sections = merged.sections
    categories = build_categories(sections["categories"])
    sites = build_sites(sections["sites"], categories, problems)
    groups = build_groups(sections["groups"], problems)
    networks = build_networks(sections["networks"], problems)
    schedules = build_schedules(sections["schedules"], problems)
    names = Names(sites, categories, groups, networks, schedules)
    rules = build_rules(merged.rules, names, problems)
    unnamed = build_unnamed(settings.get("unnamed"), names, problems)
    if any(p.is_error for p in problems) or zone is None:   # no zone is one of the problems
        raise PolicyError(problems)
    default, confirmed = settings.get("default"), settings.get("confirm-removal")
    return PolicyDoc(version=int(settings["version"].value), timezone=str(zone.value).strip(),
                     categories=categories, sites=sites, groups=groups, networks=networks, schedules=schedules,
                     rules=rules, default=default.value if default else "allow", files=tuple(merged.files),
                     rules_written=merged.rules_written, confirmed=tuple(confirmed.value) if confirmed else (),
                     confirmed_at=confirmed.key_at() if confirmed else None,
                     default_at=default.key_at() if default else None,
                     unnamed=unnamed)
