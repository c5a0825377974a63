"""A quota rule's budget as people think of it: one budget, shared by every site the rule covers.

"External social media budget: 6 of 30 min left today, shared by Facebook, Instagram, … (10 sites)":
the minutes are counted per person and rule, whatever the site, so a rule over ten sites is one
budget and is shown once. A rule over one site is that site's own budget and keeps its name.
"""
from __future__ import annotations

from dataclasses import dataclass

from policy.actions import PERIODS
from policy.engine.decision import QuotaStatus
from policy.model import PolicyDoc, Rule

SHOWN = 2           # site names spelt out before "…" in a long list


@dataclass(frozen=True)
class Budget:
    rule: str
    name: str                   # "External social media" (its category), or the one site's label
    sites: tuple[str, ...]      # the labels of the sites that share it, in catalogue order

    @property
    def shared(self) -> bool:
        return len(self.sites) > 1

    def shared_by(self) -> str:
        """'shared by Facebook, Instagram, … (10 sites)'; '' for a site's own budget."""
        if not self.shared or self.name == _join(list(self.sites)):
            return ""           # its name already lists them: "Facebook and YouTube"
        if len(self.sites) <= SHOWN + 1:
            return f"shared by {_join(list(self.sites))}"
        return f"shared by {', '.join(self.sites[:SHOWN])}, … ({len(self.sites)} sites)"

    def line(self, quota: QuotaStatus) -> str:
        """'External social media budget: 6 of 30 min left today, shared by Facebook, …' for a page or explain."""
        text = f"{self.name} budget: {quota.remaining} of {quota.limit} min left {PERIODS.get(quota.per, '')}".rstrip()
        return f"{text}, {self.shared_by()}" if self.shared_by() else text


def budgets_of(doc: PolicyDoc) -> dict[str, Budget]:
    """Per rule name, the budget its quota (as written or as an adjustment makes it) would be."""
    catalogue = _Catalogue(doc)
    found: dict[str, Budget] = {}
    shadowed: set[str] = set()      # sites an earlier rule decides for everyone, always
    for rule in doc.rules:
        covered = catalogue.covered(rule)
        found[rule.name] = _budget(doc, rule, [site for site in covered if site not in shadowed])
        if (not rule.who or "everyone" in rule.who) and not rule.when and not rule.except_:
            shadowed.update(covered)
    return found


def _budget(doc: PolicyDoc, rule: Rule, sites: list[str]) -> Budget:
    names: list[str] = []
    for entry in rule.sites:
        kind, _, name = entry.partition(":")
        if kind == "category" and name in doc.categories:
            names.append(doc.categories[name].label)
        elif kind == "domain":
            names.append(name)
        elif entry in doc.sites:
            names.append(doc.sites[entry].label)
    labels = tuple(doc.sites[site].label if site in doc.sites else site for site in sites)
    return Budget(rule.name, _join(names) if names else rule.name, labels)


class _Catalogue:
    """The sites per category and their catalogue order, worked out once for all the rules."""

    def __init__(self, doc: PolicyDoc) -> None:
        self.order = {name: index for index, name in enumerate(doc.sites)}
        self.by_category: dict[str, list[str]] = {}
        for site in doc.sites.values():
            self.by_category.setdefault(site.category, []).append(site.name)

    def covered(self, rule: Rule) -> list[str]:
        """The sites (names; 'domain:D' as written) a rule's `sites` cover, in catalogue order."""
        found: list[str] = []
        for entry in rule.sites:
            kind, _, name = entry.partition(":")
            found += self.by_category.get(name, []) if kind == "category" else [entry]
        unique = dict.fromkeys(found)
        if len(rule.sites) == 1:
            return list(unique)                 # one entry: already in catalogue order
        last = len(self.order)
        return sorted(unique, key=lambda site: self.order.get(site, last))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
