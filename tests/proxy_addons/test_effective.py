import logging
from datetime import datetime, timezone

import policy
from policy.overrides import Adjustment, Grant
from proxy_addons.effective import effective_policy
from tests.support.proxy_env import TEST_RULES, write_rules

AT = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
RULES = TEST_RULES.replace("  comms: {members: [carol]}\n", "  comms: {members: [carol]}\n  staff: {members: [dave]}\n") \
    .replace("  - name: video-nudge\n", "  - name: staff-video\n    who: [group:staff]\n    sites: [youtube]\n"
             "    action: warn\n    adjustable: {action: [warn, block]}\n  - name: video-nudge\n")


def test_overrides_that_fit_apply_and_the_rest_are_left_out(tmp_path, caplog):
    base = policy.load(write_rules(tmp_path / "rules", RULES))
    assert effective_policy(base, (), ()) is base
    grants = (Grant("alice", "facebook", datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)),
              Grant("alice", "no-such-site", datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)))
    adjustments = (Adjustment("staff-video", "staff", action="block"),
                   Adjustment("staff-video", "staff", action="allow"))          # outside the bounds
    with caplog.at_level(logging.ERROR):
        enforced = effective_policy(base, adjustments, grants)
    assert enforced.decide("alice", "https://www.facebook.com/", AT).action == "allow"
    assert enforced.decide("dave", "https://www.youtube.com/", AT).action == "block"       # the fitting one
    assert "panel override left out: grant of no-such-site to alice" in caplog.text
    assert "panel override left out: adjustment of staff-video for staff" in caplog.text
