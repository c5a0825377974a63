"""What a what-if reads: each person's minutes in time order on one cursor, attempts, grants, adjustment history."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import event

from policy.changes.overrides import Adjustment
from storage.db import make_engine
from storage.whatif.reads import adjustment_history, blocked_attempts, grants_between, group_history, person_minutes
from tests.support.whatif_usage import MON, RAISED, TUE, record_usage

START, END = datetime(2026, 11, 23, tzinfo=timezone.utc), datetime(2026, 11, 25, tzinfo=timezone.utc)


def test_each_persons_minutes_in_time_order_on_one_cursor(db_url):
    record_usage(db_url)
    engine = make_engine(db_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        people = list(person_minutes(engine, START, END, chunk=7))
    finally:
        engine.dispose()
    assert [user for user, _ in people] == ["m1", "m2", "m3", "m4", "m5", "m6", "s2"]
    assert all(len(found) == 40 for _, found in people)
    assert all([ts for ts, _, _ in found] == sorted(ts for ts, _, _ in found) for _, found in people)
    assert people[0][1][0] == (datetime(2026, 11, 23, 9, tzinfo=timezone.utc).timestamp(), "facebook", "social")
    assert len([s for s in statements if "active_minutes" in s]) == 1


def test_attempts_grants_adjustments_and_groups(db_url):
    record_usage(db_url)
    engine = make_engine(db_url)
    try:
        assert blocked_attempts(engine, MON, TUE) == {"m1": [("facebook", "budget", MON, 2)]}
        assert blocked_attempts(engine, TUE, TUE) == {}
        [grant] = grants_between(engine, START, END)
        assert (grant.user, grant.site, grant.granted_by) == ("s2", "x", "boss")
        assert grants_between(engine, START, datetime(2026, 11, 24, tzinfo=timezone.utc)) == []
        assert adjustment_history(engine, START, END) == [
            (None, ()), (RAISED, (Adjustment("budget", "marketing", minutes=45),))]
        rows = group_history(engine)
        assert ("marketing", "m6") in {(group, user) for group, user, _, _ in rows}
        assert len(rows) == 8
    finally:
        engine.dispose()
