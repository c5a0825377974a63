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
    """One sentence per field that changes, e.g. "marketing: social-budget 30 → 45 minutes a day"."""
    rule, group, sentences = tunable.rule.name, tunable.group, []
    if "minutes" in new and new["minutes"] != tunable.value("minutes"):
        per = tunable.rule.quota.per if tunable.rule.quota else "day"
        sentences.append(f"{group}: {rule} {tunable.value('minutes')} → {new['minutes']} minutes a {per}")
    if "action" in new and new["action"] != tunable.value("action"):
        old, now = tunable.value("action"), new["action"]
        sentences.append(f"{group}: {rule} {action_word(old)} → {action_word(now)}")
    if "when" in new and list(new["when"]) != list(tunable.value("when")):
        sentences.append(f"{group}: {rule} applies during {_schedules(tunable.value('when'))} → "
                         f"{_schedules(new['when'])}")
    return sentences
