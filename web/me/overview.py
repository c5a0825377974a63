""""What can I use right now": every catalogue site with its decision for one person at one moment.

Pure: the policy decides, `used_minutes` answers how much of a quota is spent. Sections come one per
category, the company's own community first, so the first thing people see is what is always open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from policy.actions import budget_figures, shown
from policy.engine.decision import Decision, QuotaStatus
from policy.engine.engine import Policy
from policy.words.budgets import Budget
from policy.words.friendly_time import friendly_moment


@dataclass(frozen=True)
class SiteNow:
    name: str
    label: str
    url: str
    state: str                  # open | limited | read-only | asks | closed
    headline: str               # "Open", "Open · 18 min left today", "Reading only", "Asks first", "Closed"
    until: str | None           # "until today at 13:00", "opens tomorrow at 07:00"
    reason: str
    message: str | None
    quota: QuotaStatus | None
    rule: str | None = None     # the deciding rule
    budget: str | None = None   # the shared budget it draws from (shown once, in `budgets_now`), if any


@dataclass(frozen=True)
class BudgetNow:
    """A budget several sites share, shown once: "External social media budget: 6 of 30 min left today, …"."""
    name: str
    line: str
    quota: QuotaStatus


@dataclass(frozen=True)
class Section:
    label: str
    internal: bool
    sites: tuple[SiteNow, ...]


def overview(policy: Policy, user: str, now: datetime,
             used_minutes: Callable[[str, datetime], int]) -> list[Section]:
    by_category: dict[str, list[SiteNow]] = {}
    for site in policy.sites.values():
        if not site.domains:
            continue
        url = f"https://{site.domains[0]}/"
        decision = policy.decide(user, url, now, used_minutes=used_minutes)
        by_category.setdefault(site.category, []).append(_site_now(site.name, site.label, url, decision, now, policy))
    categories = policy.doc.categories
    order = sorted(by_category, key=lambda name: (not categories[name].internal, categories[name].label))
    return [Section(categories[name].label, categories[name].internal,
                    tuple(sorted(by_category[name], key=lambda s: s.label.lower()))) for name in order]


def budgets_now(policy: Policy, sections: list[Section]) -> list[BudgetNow]:
    """Each shared budget the overview's sites draw from, once, in the order the sites come."""
    found: dict[str, BudgetNow] = {}
    for section in sections:
        for site in section.sites:
            if site.budget is not None and site.rule is not None and site.quota is not None \
                    and site.rule not in found:
                found[site.rule] = BudgetNow(site.budget, policy.budgets[site.rule].line(site.quota), site.quota)
    return list(found.values())


def _site_now(name: str, label: str, url: str, decision: Decision, now: datetime, policy: Policy) -> SiteNow:
    budget = policy.budgets.get(decision.rule) if decision.rule and decision.quota is not None else None
    state, headline = _state(decision, budget, label)
    until = None
    # A closed site names its next real opening (never a change from one refusal to another).
    moment = decision.opens if state == "closed" else decision.until
    if moment is not None:
        words = friendly_moment(moment, now, policy.timezone)
        until = f"opens {words}" if state == "closed" else f"until {words}"
    return SiteNow(name, label, url, state, headline, until, decision.reason, decision.message, decision.quota,
                   decision.rule, budget.name if budget is not None and budget.shared else None)


def _state(decision: Decision, budget: Budget | None, label: str) -> tuple[str, str]:
    """The state and headline the decision's action gives its outcome (policy/actions.py)."""
    words = shown(decision.action, decision.rule_action)
    figures = budget_figures(decision.quota, budget, label) if decision.quota is not None else {}
    return words.state, words.headline.format(**figures)
