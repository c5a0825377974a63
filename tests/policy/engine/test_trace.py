"""The trace says, rule by rule and in the admin's words, why each did or did not decide."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from policy.changes.overrides import Adjustment
from policy.engine.decision import TraceStep
from policy.engine.engine import Policy
from tests.support.policies import sample_doc

BERLIN = ZoneInfo("Europe/Berlin")
AFTERNOON = datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)
SAMPLE = Policy.from_doc(sample_doc())


def whys(decision) -> list[tuple[str, bool, str]]:
    return [(step.rule, step.matched, step.why) for step in decision.trace]


def test_each_kind_of_miss_in_words():
    steps = whys(SAMPLE.decide(None, "https://www.linkedin.com/", datetime(2026, 12, 24, 15, tzinfo=BERLIN),
                               client_ip="10.1.2.3"))
    assert steps[0] == ("comms-runs-our-accounts", False,
                        "who: an anonymous request from 10.1.2.3 is not in group:communications")
    assert steps[1][1] is True and steps[1][0] == "guests-no-social"


def test_except_and_read_only_words():
    decision = SAMPLE.decide("zed", "https://www.linkedin.com/", datetime(2026, 11, 28, 15, tzinfo=BERLIN),
                             method="PUT")                 # Saturday: no lunch, and not a holiday
    assert whys(decision)[-1] == ("linkedin-no-posting-at-work", True,
                                  "matches (who: everyone; sites: www.linkedin.com is linkedin); "
                                  "read-only: PUT writes → block")
    only_except = Policy.from_doc(sample_doc(rules=[r for r in SAMPLE.doc.rules if r.name != "social-at-lunch"]))
    holiday = only_except.decide("zed", "https://www.linkedin.com/", datetime(2026, 12, 24, 15, tzinfo=BERLIN))
    assert ("linkedin-no-posting-at-work", False, "except: inside holidays") in whys(holiday)


def test_warn_words():
    assert SAMPLE.decide("zed", "https://youtube.com/", AFTERNOON).trace[-1].why.endswith(
        "warn: not continued yet → warn")
    assert SAMPLE.decide("zed", "https://youtube.com/", AFTERNOON, continued=True).trace[-1].why.endswith(
        "warn: continued → allow")


def test_an_adjusted_rule_appears_once_with_the_group_that_adjusted_it():
    adjusted = SAMPLE.with_overrides([Adjustment("social-budget", "marketing", minutes=60)])
    alice = whys(adjusted.decide("alice", "https://facebook.com/", AFTERNOON, used_minutes=40))
    assert [rule for rule, _, _ in alice].count("social-budget") == 1
    assert alice[-1][2].endswith("adjusted for group:marketing); quota: 40 of 60 minutes used today → allow")
    dave = whys(adjusted.decide("dave", "https://facebook.com/", AFTERNOON, used_minutes=40))
    assert dave[-1][2].endswith("quota: 40 of 30 minutes used today → block")


def test_a_trace_stops_at_the_deciding_rule():
    steps = SAMPLE.decide("cleo", "https://facebook.com/", AFTERNOON).trace
    assert steps == (TraceStep("comms-runs-our-accounts", True,
                               "matches (who: group:communications; sites: facebook.com is facebook); allow → allow"),)
