"""An audit record in words: "marketing's social budget 25 → 20 minutes a day", not JSON.

Changes to a group's limits are said with the rule's own unit and the rules' value where a side has no
adjustment; every other record keeps its action and target, its values as "key: value".
"""
from __future__ import annotations

from policy.engine.engine import Policy
from policy.model import Rule
from storage.audit import AuditRecord
from web.manager.wording import action_word

ADJUSTMENTS = ("adjustment changed", "adjustment rolled back")


def describe(record: AuditRecord, policy: Policy | None) -> str:
    """The record's what, e.g. "marketing's social budget 25 → 20 minutes a day"."""
    if record.action in ADJUSTMENTS and record.target.startswith("adjustment:"):
        name, _, group = record.target.removeprefix("adjustment:").partition("/")
        rule = next((each for each in policy.doc.rules if each.name == name), None) if policy else None
        changes = _changes(rule, record.before or {}, record.after or {})
        verb = "rolled back: " if record.action == "adjustment rolled back" else ""
        return f"{verb}{group}'s {name.replace('-', ' ')} " + ("; ".join(changes) or "unchanged")
    return f"{record.action} {record.target}"


def values(found: object) -> str:
    """Before/after values of any other record: "key: value; key: value", or "—"."""
    if found is None:
        return "—"
    if isinstance(found, dict):
        return "; ".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                         for key, value in found.items())
    return str(found)


def _changes(rule: Rule | None, before: dict, after: dict) -> list[str]:
    written = {"minutes": rule.quota.minutes if rule is not None and rule.quota else None,
               "action": rule.action if rule is not None else None,
               "when": list(rule.when) if rule is not None else None}
    changes = []
    for field in ("minutes", "action", "when"):
        if field not in before and field not in after:
            continue
        old, new = before.get(field, written[field]), after.get(field, written[field])
        own = " (the rules' value)" if field not in after else ""
        if field == "minutes":
            per = rule.quota.per if rule is not None and rule.quota else "day"
            changes.append(f"{_or_rules(old)} → {_or_rules(new)} minutes a {per}{own}")
        elif field == "action":
            changes.append(f"{action_word(old) if old else 'as the rules say'} → "
                           f"{action_word(new) if new else 'as the rules say'}{own}")
        else:
            changes.append(f"applies during {', '.join(old or []) or 'always'} → "
                           f"{', '.join(new or []) or 'always'}{own}")
    return changes


def _or_rules(value: object) -> str:
    return "the rules' value" if value is None else str(value)
