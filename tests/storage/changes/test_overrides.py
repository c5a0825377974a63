"""The panel's additions in the engine's terms, read the same way by the panel and the proxies."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from policy.changes.overrides import Adjustment as PolicyAdjustment, Grant as PolicyGrant
from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.changes.overrides import load_overrides

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def test_adjustments_and_running_grants_only(db):
    db.add_all([
        Adjustment(rule="social-budget", group_name="marketing", minutes=45, set_by="carol", set_at=NOW),
        Adjustment(rule="video-nudge", group_name="sales", action="allow", when=["lunch"], set_by="ada", set_at=NOW),
        Grant(user_name="erin", site="facebook", starts_at=NOW - timedelta(hours=1),
              expires_at=NOW + timedelta(hours=3), granted_by="carol"),
        Grant(user_name="erin", site="youtube", starts_at=NOW - timedelta(hours=5),
              expires_at=NOW - timedelta(minutes=1), granted_by="carol"),   # over
    ])
    db.commit()
    adjustments, grants = load_overrides(db, NOW)
    assert adjustments == (PolicyAdjustment("social-budget", "marketing", 45, None, None),
                           PolicyAdjustment("video-nudge", "sales", None, "allow", ("lunch",)))
    assert grants == (PolicyGrant("erin", "facebook", NOW + timedelta(hours=3), NOW - timedelta(hours=1), "carol"),)


def test_the_effective_policy_is_the_rules_plus_what_the_database_holds(db, tmp_path):
    import policy
    from policy.changes.effective import EffectiveCache
    from storage.changes.overrides import effective_at
    from tests.support.proxy_env import TEST_RULES, write_rules

    base = policy.load(write_rules(tmp_path / "rules", TEST_RULES))
    assert effective_at(db, base, NOW).policy is base
    db.add(Grant(user_name="alice", site="facebook", starts_at=NOW - timedelta(minutes=10),
                 expires_at=NOW + timedelta(hours=1), granted_by="carol"))
    db.commit()
    cache = EffectiveCache()
    effective = effective_at(db, base, NOW, cache)
    assert effective.policy.decide("alice", "https://www.facebook.com/", NOW).action == "allow"
    assert effective_at(db, base, NOW, cache) is effective
    assert effective_at(db, base, NOW + timedelta(hours=2)).policy is base       # the grant ran out
