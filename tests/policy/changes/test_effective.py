"""The one combination of rules, adjustments and grants: what fits applies, the rest is named and left out."""
from datetime import datetime, timezone

import policy
from policy.changes.effective import EffectiveCache, combine
from policy.changes.overrides import Adjustment, Grant
from tests.support.proxy_env import TEST_RULES, write_rules

AT = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n",
                           "  comms: {members: [carol]}\n  staff: {members: [dave]}\n") \
    .replace("  - name: video-nudge\n", "  - name: staff-video\n    who: [group:staff]\n    sites: [youtube]\n"
             "    action: warn\n    adjustable: {action: [warn, block]}\n  - name: video-nudge\n")
LATER = datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)


def test_overrides_that_fit_apply_and_the_rest_are_left_out(tmp_path):
    base = policy.load(write_rules(tmp_path / "rules", RULES))
    assert combine(base, (), ()).policy is base
    grants = (Grant("alice", "facebook", LATER), Grant("alice", "no-such-site", LATER))
    adjustments = (Adjustment("staff-video", "staff", action="block"),
                   Adjustment("staff-video", "staff", action="allow"))          # outside the bounds
    effective = combine(base, adjustments, grants)
    assert effective.policy.decide("alice", "https://www.facebook.com/", AT).action == "allow"
    assert effective.policy.decide("dave", "https://www.youtube.com/", AT).action == "block"   # the fitting one
    assert effective.adjustments == adjustments[:1] and effective.grants == grants[:1]
    assert [line.split(":")[0] for line in effective.skipped] == [
        "adjustment of staff-video for staff", "grant of no-such-site to alice"]


def test_the_cache_rebuilds_only_when_the_rules_or_the_overrides_change(tmp_path):
    base = policy.load(write_rules(tmp_path / "rules", RULES))
    cache = EffectiveCache()
    grants = (Grant("alice", "facebook", LATER),)
    first = cache.get(base, (), grants)
    assert cache.get(base, (), grants) is first
    assert cache.get(policy.load(tmp_path / "rules"), (), grants) is first     # same content, new object
    assert cache.get(base, (), ()).policy is base
    other = (Grant("bob", "facebook", LATER),)
    assert cache.get(base, (), other) is not first and cache.get(base, (), other).grants == other


def test_rules_without_directory_groups_are_filled_by_nothing(tmp_path):
    from policy.changes.effective import filled
    base = policy.load(write_rules(tmp_path / "rules", RULES))
    assert filled(base, None) is base and filled(base, object()) is base
