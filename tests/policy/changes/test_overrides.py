"""The panel's adjustments and grants: validated against the rules, applied to the right people."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from policy.changes.overrides import Adjustment, Grant
from policy.engine.engine import Policy
from policy.model import Adjustable, GrantBound
from tests.support.policies import group, sample_doc

BERLIN = ZoneInfo("Europe/Berlin")
FB = "https://www.facebook.com/"
AFTERNOON = datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)


@pytest.fixture(scope="module")
def base() -> Policy:
    groups = [group("marketing", ["alice", "bob"], managers=["carol"], include=["interns"]),
              group("interns", ["ivan"]),
              group("engineering", ["erin", "bob"], managers=["grace"]),
              group("communications", ["cleo"]),
              group("staff", ["dave"], include=["marketing", "engineering"])]
    return Policy.from_doc(sample_doc(groups=groups))


def limit(policy: Policy, user: str) -> int:
    return policy.decide(user, FB, AFTERNOON, used_minutes=0).quota.limit


def test_minutes_apply_to_the_group_and_everyone_included_in_it(base):
    adjusted = base.with_overrides([Adjustment("social-budget", "marketing", minutes=60)])
    assert [limit(adjusted, user) for user in ("alice", "ivan", "erin", "dave")] == [60, 60, 30, 30]
    assert limit(base, "alice") == 30                   # the original policy is unchanged
    decision = adjusted.decide("alice", FB, AFTERNOON, used_minutes=45)
    assert decision.action == "allow" and decision.rule == "social-budget"
    assert "adjusted for group:marketing" in decision.trace[-1].why
    assert [step.rule for step in decision.trace].count("social-budget") == 1


def test_a_person_in_two_adjusted_groups_gets_the_most_generous_value(base):
    adjusted = base.with_overrides([Adjustment("social-budget", "marketing", minutes=45),
                                    Adjustment("social-budget", "engineering", minutes=75),
                                    Adjustment("social-budget", "engineering", action="block"),
                                    Adjustment("social-budget", "marketing", action="allow")])
    bob = adjusted.decide("bob", FB, AFTERNOON)
    assert (bob.rule_action, bob.action) == ("allow", "allow")          # allow beats block
    assert adjusted.decide("erin", FB, AFTERNOON).action == "block"
    minutes_only = base.with_overrides([Adjustment("social-budget", "marketing", minutes=45),
                                        Adjustment("social-budget", "engineering", minutes=75)])
    assert limit(minutes_only, "bob") == 75 and limit(minutes_only, "alice") == 45


def test_when_adjustments_take_the_union(base):
    adjusted = base.with_overrides([Adjustment("social-budget", "marketing", when=("lunch",)),
                                    Adjustment("social-budget", "engineering", when=("evenings",))])
    # bob is in both: the budget applies at lunch and in the evenings only; in the afternoon it does not.
    afternoon = adjusted.decide("bob", FB, AFTERNOON)
    assert (afternoon.rule, afternoon.action) == ("no-social-otherwise", "block")
    assert afternoon.until == datetime(2026, 11, 26, 18, 0, tzinfo=BERLIN)
    assert adjusted.decide("dave", FB, AFTERNOON).rule == "social-budget"


@pytest.mark.parametrize("adjustment, message", [
    (Adjustment("no-such-rule", "marketing", minutes=10), "there is no rule named 'no-such-rule'"),
    (Adjustment("youtube-nudge", "marketing", action="allow"), "rule youtube-nudge is not adjustable"),
    (Adjustment("social-budget", "nobody", minutes=10), "there is no group named 'nobody'"),
    (Adjustment("social-budget", "communications", minutes=10),
     "rule social-budget cannot be adjusted for group communications: it applies to staff"),
    (Adjustment("social-budget", "marketing", minutes=91),
     "91 minutes is outside what rule social-budget allows (0 to 90 minutes)"),
    (Adjustment("social-budget", "marketing", minutes=-1), "-1 minutes is outside"),
    (Adjustment("social-budget", "marketing", action="warn"),
     "rule social-budget cannot become 'warn' (allowed: allow, quota, block)"),
    (Adjustment("social-budget", "marketing", when=("holidays",)),
     "rule social-budget cannot apply during 'holidays' (allowed: lunch, evenings)"),
    (Adjustment("social-budget", "marketing", when=()), "an adjustment of rule social-budget names no schedule"),
])
def test_bad_adjustments_are_refused_with_a_sentence(base, adjustment, message):
    with pytest.raises(ValueError) as refused:
        base.with_overrides([adjustment])
    assert str(refused.value).startswith(message)


def test_a_grant_opens_a_site_for_one_person_until_it_expires(base):
    expires = AFTERNOON + timedelta(hours=1)
    grantable = Policy.from_doc(replace(base.doc, rules=base.doc.rules[:-1] + (
        replace(base.doc.rules[-1], adjustable=Adjustable(None, None, None, GrantBound(8, ()))),)))
    granted = grantable.with_overrides(grants=[Grant("zed", "facebook", expires)])
    decision = granted.decide("zed", FB, AFTERNOON)
    assert (decision.action, decision.until, decision.site) == ("allow", expires, "facebook")
    assert decision.trace[0].why == "grant until 2026-11-26T16:00:00+01:00 → allow"
    assert granted.decide("zed", "https://static.fbcdn.net/x.js", AFTERNOON).action == "allow"
    assert granted.decide("zed", FB, expires).action == "block"
    assert granted.decide("yves", FB, AFTERNOON).action == "block"
    assert granted.decide("zed", "https://www.youtube.com/", AFTERNOON).action == "warn"


def test_grants_of_unknown_sites_are_refused(base):
    with pytest.raises(ValueError, match="cannot grant 'myspace' to zed: there is no such site"):
        base.with_overrides(grants=[Grant("zed", "myspace", AFTERNOON)])
