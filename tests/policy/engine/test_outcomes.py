"""From the deciding rule to the outcome: methods, minutes, Continue, and the alternatives."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from policy.engine.engine import Policy
from tests.support.policies import doc, rule, sample_doc, schedule, site, window

BERLIN = ZoneInfo("Europe/Berlin")
FB = "https://facebook.com/"


def test_quota_counts_minutes_from_a_callable_per_rule_and_period():
    policy = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                                 rules=[rule("budget", ["facebook"], "quota", quota=10)]))
    asked = []

    def used(rule_name, period_start):
        asked.append((rule_name, period_start.isoformat()))
        return 10
    decision = policy.decide("ann", FB, datetime(2026, 11, 26, 23, 59, tzinfo=BERLIN), used_minutes=used)
    assert asked == [("budget", "2026-11-26T00:00:00+01:00")]
    assert (decision.action, decision.until) == ("block", datetime(2026, 11, 27, tzinfo=BERLIN))
    zero = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                               rules=[rule("none", ["facebook"], "quota", quota=0)]))
    assert zero.decide("ann", FB, datetime(2026, 11, 26, 9, tzinfo=BERLIN)).action == "block"


def test_a_schedule_ending_before_the_reset_is_the_next_change():
    policy = Policy.from_doc(doc(sites=[site("facebook", "facebook.com")],
                                 schedules=[schedule("work", window(start="09:00", end="17:00"))],
                                 rules=[rule("budget", ["facebook"], "quota", quota=10, when=["work"])]))
    used_up = policy.decide("ann", FB, datetime(2026, 11, 26, 10, tzinfo=BERLIN), used_minutes=12)
    assert (used_up.action, used_up.until) == ("block", datetime(2026, 11, 26, 17, tzinfo=BERLIN))
    assert used_up.quota.remaining == 0


def test_alternatives_follow_each_internal_sites_rules():
    policy = Policy.from_doc(sample_doc(rules=[
        rule("forum-quota", ["forum"], "quota", quota=5),
        rule("engage-nudge", ["engage"], "warn")]))
    assert [a.site for a in policy.decide("ann", FB, datetime(2026, 11, 26, 10, tzinfo=BERLIN)).alternatives] == \
        ["forum"]                                        # a budget with minutes is open; a nudge is not
