"""Every sentence an employee reads about a decision: what was decided for this site, and why.

The one home of these sentences: the engine's `Decision.reason` (shown by explain, the proxy's pages
and the panel) is always one of these functions' answers. The words per action live in
policy/actions.py; when a site opens again follows from `policy.words.openings` (the engine's own decisions
walked forward), e.g. "Facebook is closed to you now. Open to you: Mon–Fri 12:00–13:00 and 18:00–07:00."
"""
from __future__ import annotations

from datetime import datetime

from policy.actions import budget_figures, shown
from policy.engine.decision import QuotaStatus
from policy.model import Rule
from policy.words.budgets import Budget


def reason(action: str, rule: Rule | None, label: str, known: bool, default: str,
           opens: str, quota: QuotaStatus | None = None, budget: Budget | None = None) -> str:
    """`known`: the host belongs to a site or a rule's `domain:` entry. `opens`: see `policy.words.openings_text`.
    `budget`: the deciding quota rule's budget (policy/words/budgets.py): a shared one is named as such.
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


def granted(label: str, until: datetime) -> str:
    """A manager's running grant decided."""
    return f"{label} is open to you until {until:%a %d %b %H:%M} (granted by a manager)."


def never(label: str, networks: tuple[str, ...], anonymous: bool) -> str:
    """For a site the engine keeps closed to this person at every hour of the weeks ahead."""
    if networks:
        return f"{label} is not available on the {' or '.join(networks)} network."
    if anonymous:
        return f"{label} is not available without a company account."
    return f"{label} is not open to you at any time in the coming weeks."


def unnamed(host: str, unrestricted: bool, allowed: bool) -> str:
    """A bare address decided by the rules' `unnamed` setting (policy/unnamed.py)."""
    if unrestricted:
        return f"{host} does not say which site it is; it is open to you, as no rule limits you."
    if allowed:
        return f"{host} does not say which site it is; your organisation lets you open such addresses."
    return f"{host} does not say which site it is, so it is not open to you here; open the site by its name instead."


def notice(reason_now: str) -> str:
    """The budget's one-time notice: the decision's own sentence, and what happens at the end."""
    return f"{reason_now} When the budget is used up, the site pauses until it resets."
