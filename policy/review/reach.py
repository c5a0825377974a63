"""Whether a rule can ever decide for the people of a group, and if not, which earlier rule does.

A manager's change to a rule takes effect only where the rule decides. The engine is asked, for each
person and each of the rule's sites, at every moment of a week at which its decision changes; the
rule reaches the group when it decides any one of them. Budgets are taken as unused.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from policy.engine.localtime import instant

if TYPE_CHECKING:
    from policy.engine.engine import Policy


def first_decider(policy: Policy, rule: str, people: Iterable[str], week_of: date) -> str | None:
    """None when `rule` decides some request of `people` in the week of `week_of`; else the rule that
    decides most of their requests instead ("the default" when no rule does)."""
    written = next((each for each in policy.doc.rules if each.name == rule), None)
    if written is None:
        return None
    monday = week_of - timedelta(days=week_of.weekday())
    start = datetime.fromtimestamp(instant(monday, 0, policy.timezone), policy.timezone)
    end = start + timedelta(days=7)
    winners: Counter[str] = Counter()
    for person in sorted(people):
        for url in site_urls(policy, written.sites):
            moment = start
            while moment < end:
                decision = policy.decide(person, url, moment)
                if decision.rule == rule:
                    return None
                winners[decision.rule or "the default"] += 1
                moment = max(decision.until or end, moment + timedelta(minutes=1))
    return winners.most_common(1)[0][0] if winners else None


def site_urls(policy: Policy, entries: Iterable[str]) -> list[str]:
    """One URL per site (or domain) a rule's `sites:` names."""
    urls = []
    for entry in entries:
        if entry.startswith("category:"):
            names = [name for name, site in policy.sites.items() if site.category == entry[9:]]
        elif entry.startswith("domain:"):
            urls.append(f"https://{entry[7:]}/")
            continue
        else:
            names = [entry]
        urls += [f"https://{policy.sites[name].domains[0]}/" for name in names
                 if name in policy.sites and policy.sites[name].domains]
    return urls
