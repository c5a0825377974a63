from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.changes.access import AccessRequest, Grant
from web.me.requests import SHOWN, my_requests

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def _ask(db, user: str, site: str, minutes_ago: int, **fields) -> AccessRequest:
    asked = AccessRequest(user_name=user, site=site, reason="work", hours=8,
                          created_at=NOON - timedelta(minutes=minutes_ago), **fields)
    db.add(asked)
    db.flush()
    return asked


def test_ones_own_requests_newest_first_with_the_grants_end(migrated_session):
    db = migrated_session
    approved = _ask(db, "erin", "facebook", 30, status="approved", decided_by="carol")
    db.add(Grant(user_name="erin", site="facebook", starts_at=NOON, expires_at=NOON + timedelta(hours=8),
                 granted_by="carol", request_id=approved.id))
    _ask(db, "erin", "youtube", 10)
    _ask(db, "bob", "x", 5)                                      # someone else's
    db.commit()
    found = my_requests(db, "erin", {"facebook": "Facebook"})
    assert [(r.site, r.label, r.status, r.until) for r in found] == [
        ("youtube", "youtube", "pending", None),
        ("facebook", "Facebook", "approved", NOON + timedelta(hours=8))]
    assert found[1].decided_by == "carol"


def test_only_the_latest_few_are_shown(migrated_session):
    db = migrated_session
    for minutes_ago in range(SHOWN + 3):
        _ask(db, "erin", "facebook", minutes_ago)
    db.commit()
    found = my_requests(db, "erin", {})
    assert len(found) == SHOWN and found[0].asked_at == NOON
