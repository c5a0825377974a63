"""Audit records in words: a group's limits with the rule's unit, everything else as recorded."""
from __future__ import annotations

import policy
from storage.audit import AuditRecord
from tests.web.conftest import RULES
from web.admin.audit_words import describe, values

POLICY = policy.load(RULES)


def record(action: str, target: str, before=None, after=None) -> AuditRecord:
    return AuditRecord(actor="carol", action=action, target=target, before=before, after=after)


def test_limits_in_words():
    target = "adjustment:social-budget/marketing"
    assert describe(record("adjustment changed", target, {"minutes": 25}, {"minutes": 20}), POLICY) == \
        "marketing's social budget 25 → 20 minutes a day"
    assert describe(record("adjustment changed", target, None, {"minutes": 45}), POLICY) == \
        "marketing's social budget 30 → 45 minutes a day"
    assert describe(record("adjustment rolled back", target, {"minutes": 45}, None), POLICY) == \
        "rolled back: marketing's social budget 45 → 30 minutes a day (the rules' value)"
    nudge = "adjustment:youtube-nudge/marketing"
    assert describe(record("adjustment changed", nudge, None, {"action": "allow"}), POLICY) == \
        "marketing's youtube nudge asks first → open"


def test_other_records_keep_their_action_and_target():
    assert describe(record("account created", "account:erin", None, {"role": "employee"}), POLICY) == \
        "account created account:erin"
    assert values({"role": "employee", "groups": ["a", "b"]}) == "role: employee; groups: a, b"
    assert values(None) == "—"
