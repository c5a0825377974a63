from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from storage.changes.access import AccessRequest, Grant, active_grants

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def test_only_grants_running_at_the_moment_are_active(db):
    db.add_all([Grant(user_name="erin", site="facebook", starts_at=NOON - timedelta(hours=1),
                      expires_at=NOON + timedelta(hours=1), granted_by="carol"),
                Grant(user_name="erin", site="x", starts_at=NOON - timedelta(hours=2), expires_at=NOON,
                      granted_by="carol"),                                   # ended exactly now
                Grant(user_name="bob", site="youtube", starts_at=NOON + timedelta(minutes=1),
                      expires_at=NOON + timedelta(hours=2), granted_by="carol")])   # not yet begun
    db.commit()
    assert [(g.user_name, g.site) for g in active_grants(db, NOON)] == [("erin", "facebook")]
    assert sorted(g.site for g in active_grants(db, NOON + timedelta(minutes=30))) == ["facebook", "youtube"]


def test_a_request_starts_pending_and_only_known_states_are_stored(db):
    asked = AccessRequest(user_name="erin", site="facebook", reason="Job ads", hours=8)
    db.add(asked)
    db.commit()
    assert (asked.status, asked.created_at.tzinfo) == ("pending", timezone.utc)
    asked.status = "maybe"
    with pytest.raises(IntegrityError):
        db.commit()
