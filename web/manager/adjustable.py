"""What a manager may tune: each adjustable rule that applies to a group they manage, with its bounds.

A rule applies to a group when the group is one of the rule's `who` groups or is included in one
(the engine's own test, `Groups.within`), so a manager of marketing may tune a rule written for staff
— for marketing only. An adjustment the rules no longer allow (an admin narrowed a bound) is `stale`:
not in force, so the group's value is the rules' own until its managers save a new one. A rule that
never decides for the group's people (an earlier rule always does, e.g. one that opens everything to
communications) is `shadowed_by` that rule: a change to it would not take effect.
"""
from __future__ import annotations

from dataclasses import dataclass

from policy.changes.overrides import Adjustment as PolicyAdjustment
from policy.engine.engine import Policy
from policy.engine.principals import Groups
from policy.model import Adjustable, Rule
from policy.review.reach import first_decider
from policy.words.messages import fill
from storage.changes.adjustments import Adjustment
from storage.sign_in.accounts import User
from web.clock import now


@dataclass(frozen=True)
class Tunable:
    rule: Rule
    group: str
    bounds: Adjustable
    current: Adjustment | None      # the group's saved adjustment, if any
    stale: str | None = None        # why the saved adjustment is not in force (None: it is, or none)
    shadowed_by: str | None = None  # the earlier rule that decides for the group instead (None: this one can)

    @property
    def key(self) -> str:
        return f"{self.rule.name}/{self.group}"

    @property
    def message(self) -> str | None:
        """The rule's message as the group reads it: its minutes in force (policy/words/messages.py)."""
        if self.rule.message is None:
            return None
        minutes, per = self.value("minutes"), self.rule.quota.per if self.rule.quota else "day"
        return fill(self.rule.message, {"minutes": lambda: minutes if minutes is not None else "",
                                        "per": lambda: per, "site": lambda: "the site",
                                        "budget": lambda: "the budget", "opens": lambda: "when it opens"})

    def value(self, field: str):
        """The value in force for the group: adjusted, else as written in the rules."""
        adjusted = getattr(self.current, field) if self.current is not None and not self.stale else None
        if adjusted is not None:
            return adjusted
        if field == "minutes":
            return self.rule.quota.minutes if self.rule.quota else None
        if field == "action":
            return self.rule.action
        return list(self.rule.when)


def managed_groups(policy: Policy, account: User) -> list[str]:
    """Admins tune every group; managers the groups whose `managers:` names them."""
    if account.role == "admin":
        return sorted(policy.doc.groups)
    if account.role != "manager":
        return []
    return sorted(policy.groups_managed_by(account.name))


def tunables(policy: Policy, groups: list[str], adjustments: list[Adjustment]) -> list[Tunable]:
    structure = Groups(policy.doc.groups)
    today = now().astimezone(policy.timezone).date()
    current = {(row.rule, row.group_name): row for row in adjustments}
    found = []
    for group in groups:
        for rule in policy.doc.rules:
            if rule.adjustable is None or not rule.adjustable.tunable:
                continue
            outer = [entry.removeprefix("group:") for entry in rule.who if entry.startswith("group:")]
            if any(structure.within(group, name) for name in outer):
                row = current.get((rule.name, group))
                found.append(Tunable(rule, group, rule.adjustable, row, _stale(policy, row),
                                     first_decider(policy, rule.name, members(policy, group), today)))
    return found


def in_engine_terms(row: Adjustment) -> PolicyAdjustment:
    return PolicyAdjustment(row.rule, row.group_name, row.minutes, row.action,
                            tuple(row.when) if row.when is not None else None)


def _stale(policy: Policy, row: Adjustment | None) -> str | None:
    if row is None:
        return None
    try:
        policy.with_overrides([in_engine_terms(row)])
    except ValueError as exc:
        return str(exc)
    return None


def members(policy: Policy, group: str) -> frozenset[str]:
    return Groups(policy.doc.groups).members.get(group, frozenset())
