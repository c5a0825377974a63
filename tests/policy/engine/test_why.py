"""A decision keeps the facts it was decided on, by name, and explains itself from them when read."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from policy.changes.overrides import Grant
from policy.engine.decision import Alternative, TraceStep
from policy.engine.engine import Policy
from policy.engine.why import Why
from policy.model import GrantBound
from tests.support.policies import sample_doc

BERLIN = ZoneInfo("Europe/Berlin")
AFTERNOON = datetime(2026, 11, 26, 15, 0, tzinfo=BERLIN)      # Thursday: no lunch, no holiday
SAMPLE = Policy.from_doc(sample_doc())


def test_the_facts_of_a_request_are_kept_by_name():
    decision = SAMPLE.decide("alice", "https://www.facebook.com/", AFTERNOON, method="POST",
                             client_ip="10.1.2.3", used_minutes=30)
    why = decision.__dict__["_why"]
    assert isinstance(why, Why)
    assert (why.user, why.client_ip, why.method, why.ts) == ("alice", "10.1.2.3", "POST", AFTERNOON.timestamp())
    assert (why.action, why.rule.name, why.match.key, why.quota.used, why.grant) == \
        ("block", "social-budget", "facebook", 30, None)
    assert why.policy is SAMPLE and why.timeline is not None and why.principal


def test_it_explains_the_sentence_the_alternatives_and_the_trace():
    why = SAMPLE.decide("alice", "https://www.facebook.com/", AFTERNOON, used_minutes=30).__dict__["_why"]
    assert why.explain_reason().startswith(
        "You have used your 30 minutes of Facebook and YouTube for today; a new budget starts at 00:00.")
    assert why.explain_opens() == datetime(2026, 11, 26, 18, 0, tzinfo=BERLIN)         # evenings
    assert why.explain_alternatives() == (
        Alternative("forum", "Company forum", "https://forum.corp.example/"),
        Alternative("engage", "Viva Engage", "https://engage.corp.example/"))
    assert why.explain_trace()[-1] == TraceStep(
        "social-budget", True,
        "matches (who: group:staff; sites: www.facebook.com is facebook); quota: 30 of 30 minutes used today → block")


def test_a_grant_explains_itself_as_the_grant():
    until = datetime(2026, 11, 26, 18, 0, tzinfo=BERLIN)
    rules = [replace(r, adjustable=replace(r.adjustable, grant=GrantBound(8, ()))) if r.name == "social-budget" else r
             for r in SAMPLE.doc.rules]
    granted = Policy(sample_doc(rules=rules), grants=[Grant("alice", "facebook", until, granted_by="carol")])
    decision = granted.decide("alice", "https://www.facebook.com/", AFTERNOON)
    why = decision.__dict__["_why"]
    assert (why.grant, why.rule, why.timeline, decision.action) == (until, None, None, "allow")
    assert decision.reason == "Facebook is open to you until Thu 26 Nov 18:00 (granted by a manager)."
    assert decision.trace == (TraceStep("grant", True, "grant until 2026-11-26T18:00:00+01:00 → allow"),)
