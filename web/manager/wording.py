"""A change to a group's limits in plain words, shown before it is saved and kept in the audit trail."""
from __future__ import annotations

from policy.actions import REGISTRY
from web.manager.adjustable import Tunable


def action_word(action: str) -> str:
    """A manager's short word for an action: "asks first", "on a budget" (policy/actions.py)."""
    return REGISTRY[action].manager if action in REGISTRY else action


def _schedules(names) -> str:
    return ", ".join(names) if names else "always"


def describe(tunable: Tunable, new: dict) -> list[str]:
    """One sentence per field that changes, e.g. "marketing: social-budget 30 → 45 minutes a day".

    A field missing from `new` goes back to the rules' own value (`forms.new_values` leaves out a value
    equal to the rules'), so going back reads as the change it is, not as nothing."""
    rule, group, sentences = tunable.rule.name, tunable.group, []
    written = {"minutes": tunable.rule.quota.minutes if tunable.rule.quota else None,
               "action": tunable.rule.action, "when": list(tunable.rule.when)}
    bounds = tunable.bounds
    after = {field: new.get(field, written[field]) for field, open_ in
             (("minutes", bounds.minutes), ("action", bounds.actions), ("when", bounds.when)) if open_ or field in new}
    own = {field: " (as the rules say)" if field not in new else "" for field in after}
    if "minutes" in after and after["minutes"] != tunable.value("minutes"):
        per = tunable.rule.quota.per if tunable.rule.quota else "day"
        sentences.append(f"{group}: {rule} {tunable.value('minutes')} → {after['minutes']} minutes a {per}"
                         f"{own['minutes']}")
    if "action" in after and after["action"] != tunable.value("action"):
        old, now = tunable.value("action"), after["action"]
        sentences.append(f"{group}: {rule} {action_word(str(old))} → {action_word(str(now))}{own['action']}")
    if "when" in after and list(after["when"] or []) != list(tunable.value("when")):
        sentences.append(f"{group}: {rule} applies during {_schedules(tunable.value('when'))} → "
                         f"{_schedules(after['when'])}{own['when']}")
    return sentences
