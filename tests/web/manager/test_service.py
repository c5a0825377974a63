"""Saving a group's adjustment without the panel: the write, its audit record and the commit, or nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

import policy
from storage.audit import AuditRecord
from storage.changes.adjustments import Adjustment, all_adjustments
from tests.web.conftest import RULES
from web.manager.adjustable import tunables
from web.manager.saving import NONE, version_of
from web.manager.service import ROLLED_BACK, save_adjustment, write_adjustment

POLICY = policy.load(RULES)
MOMENT = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def panel_clock(app):
    """Which rule decides first for a group is worked out for the panel's today."""
    with app.app_context():
        yield


def _budget(db):
    return next(t for t in tunables(POLICY, ["marketing"], all_adjustments(db)) if t.key == "social-budget/marketing")


def _trail(db) -> list[tuple]:
    return [(r.actor, r.action, r.target, r.before, r.after, r.source)
            for r in db.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_a_save_writes_the_values_and_the_audit_record_and_says_what_changed(migrated_session):
    db = migrated_session
    said = save_adjustment(db, _budget(db), NONE, {"minutes": 45}, "carol", MOMENT, "10.0.0.7")
    assert said == ["marketing: social-budget 30 → 45 minutes a day"]
    db.rollback()                                       # committed: nothing left to lose
    assert [(a.group_name, a.minutes, a.set_by) for a in all_adjustments(db)] == [("marketing", 45, "carol")]
    assert _trail(db) == [("carol", "adjustment changed", "adjustment:social-budget/marketing", None,
                           {"minutes": 45}, "10.0.0.7")]
    again = _budget(db)
    said = save_adjustment(db, again, version_of(again.current), {"minutes": 60}, "ada", MOMENT)
    assert said == ["marketing: social-budget 45 → 60 minutes a day"]
    assert _trail(db)[-1][3:5] == ({"minutes": 45}, {"minutes": 60})


def test_a_save_over_a_version_saved_meanwhile_writes_nothing(migrated_session):
    db = migrated_session
    stale = _budget(db)
    assert save_adjustment(db, _budget(db), NONE, {"minutes": 45}, "ada", MOMENT) is not None
    assert save_adjustment(db, stale, NONE, {"minutes": 60}, "carol", MOMENT) is None
    assert [(a.minutes, a.set_by) for a in all_adjustments(db)] == [(45, "ada")]
    assert [entry[0] for entry in _trail(db)] == ["ada"]


def test_a_rollback_back_to_the_rules_removes_the_adjustment_under_its_own_action(migrated_session):
    db = migrated_session
    save_adjustment(db, _budget(db), NONE, {"minutes": 45}, "carol", MOMENT)
    row = db.scalars(select(Adjustment)).one()
    assert write_adjustment(db, row, version_of(row), "social-budget", "marketing", {}, before=row.values(),
                            actor="ada", moment=MOMENT, action=ROLLED_BACK, source=None)
    assert all_adjustments(db) == []
    assert _trail(db)[-1][:5] == ("ada", "adjustment rolled back", "adjustment:social-budget/marketing",
                                  {"minutes": 45}, None)
