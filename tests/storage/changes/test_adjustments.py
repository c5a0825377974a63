from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from storage.changes.adjustments import Adjustment, all_adjustments


def test_adjustments_are_listed_by_rule_then_group(db):
    db.add_all([Adjustment(rule="social-budget", group_name="sales", minutes=45, set_by="carol"),
                Adjustment(rule="linkedin-read-only", group_name="marketing", action="allow", set_by="carol"),
                Adjustment(rule="social-budget", group_name="marketing", when=["lunch"], set_by="carol")])
    db.commit()
    assert [(a.rule, a.group_name, a.version) for a in all_adjustments(db)] == [
        ("linkedin-read-only", "marketing", 1), ("social-budget", "marketing", 1), ("social-budget", "sales", 1)]


def test_the_audit_sees_only_the_fields_that_were_adjusted():
    assert Adjustment(rule="r", group_name="g", minutes=45, set_by="carol").values() == {"minutes": 45}
    assert Adjustment(rule="r", group_name="g", when=["lunch"], action="allow", set_by="c").values() == {
        "action": "allow", "when": ["lunch"]}


def test_one_adjustment_per_rule_and_group(db):
    db.add_all([Adjustment(rule="r", group_name="g", minutes=1, set_by="a"),
                Adjustment(rule="r", group_name="g", minutes=2, set_by="b")])
    with pytest.raises(IntegrityError):
        db.commit()
