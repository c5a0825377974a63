""""What can I use right now": every catalogue site with its decision for one person at one moment.

Pure: the policy decides, `used_minutes` answers how much of a quota is spent. Sections come one per
category, the company's own community first, so the first thing people see is what is always open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from policy.actions import budget_figures, shown
from policy.decision import Decision, QuotaStatus
from policy.engine import Policy
from policy.friendly_time import friendly_moment


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


def _site_now(name: str, label: str, url: str, decision: Decision, now: datetime, policy: Policy) -> SiteNow:
    state, headline = _state(decision)
    until = None
    # A closed site names its next real opening (never a change from one refusal to another).
    moment = decision.opens if state == "closed" else decision.until
    if moment is not None:
        words = friendly_moment(moment, now, policy.timezone)
        until = f"opens {words}" if state == "closed" else f"until {words}"
    return SiteNow(name, label, url, state, headline, until, decision.reason, decision.message, decision.quota)


def _state(decision: Decision) -> tuple[str, str]:
    """The state and headline the decision's action gives its outcome (policy/actions.py)."""
    words = shown(decision.action, decision.rule_action)
    figures = budget_figures(decision.quota) if decision.quota is not None else {}
    return words.state, words.headline.format(**figures)
