"""A change to a group's limits in plain words, shown before it is saved and kept in the audit trail."""
from __future__ import annotations

from web.manager.adjustable import Tunable

ACTION_WORDS = {"allow": "open", "block": "closed", "warn": "asks first", "quota": "on a budget",
                "read-only": "reading only"}


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
        sentences.append(f"{group}: {rule} {ACTION_WORDS.get(old, old)} → {ACTION_WORDS.get(now, now)}")
    if "when" in new and list(new["when"]) != list(tunable.value("when")):
        sentences.append(f"{group}: {rule} applies during {_schedules(tunable.value('when'))} → "
                         f"{_schedules(new['when'])}")
    return sentences
