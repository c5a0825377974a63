"""The sentence an employee reads: what was decided for this site, and why.

When it opens again follows from `policy.openings` (the engine's own decisions walked forward), e.g.
"Facebook is closed to you now. Open to you: Mon–Fri 12:00–13:00 and 18:00–07:00."
"""
from __future__ import annotations

from policy.actions import budget_figures, shown
from policy.budgets import Budget
from policy.decision import QuotaStatus
from policy.model import Rule


def reason(action: str, rule: Rule | None, label: str, known: bool, default: str,
           opens: str, quota: QuotaStatus | None = None, budget: Budget | None = None) -> str:
    """`known`: the host belongs to a site or a rule's `domain:` entry. `opens`: see `policy.openings_text`.
    `budget`: the deciding quota rule's budget (policy/budgets.py): a shared one is named as such.
    The sentences themselves are the actions' own (policy/actions.py)."""
    if rule is None and not known:
        return (f"{label} is not a social site, so it is not limited." if default == "allow"
                else f"{label} is not among the sites open at work.")
    kind = rule.action if rule is not None and (rule.action != "quota" or quota is not None) else action
    during = f" during {_names(rule.when)}" if rule is not None and rule.when else ""
    if not during and action != "allow":
        during = " now"
    return shown(action, kind).reason.format(label=label, opens=opens, during=during,
                                             **(budget_figures(quota, budget, label) if quota is not None else {}))


def _names(names: tuple[str, ...]) -> str:
    return _join(list(names))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
