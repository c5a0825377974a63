"""Decisions: plain values to whoever reads them, explained only when read, and JSON round trips."""
from __future__ import annotations

import copy
import json
import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from policy.engine.decision import Alternative, Decision, QuotaStatus, TraceStep, build, build_quota
from policy.engine.sitemap import HostMatch
from tests.support.policies import rule, site

BERLIN = ZoneInfo("Europe/Berlin")
NOON = datetime(2026, 11, 26, 12, tzinfo=BERLIN)
FACEBOOK = HostMatch("facebook.com", site("facebook", "facebook.com"), "facebook", "Facebook", "social", False, False,
                     mask=1)


class Explainer:
    def __init__(self):
        self.asked = []

    def explain_reason(self):
        self.asked.append("reason")
        return "because reasons"

    def explain_alternatives(self):
        self.asked.append("alternatives")
        return [Alternative("forum", "Forum", "https://forum.example/")]

    def explain_trace(self):
        self.asked.append("trace")
        return [TraceStep("r", True, "matches")]


def made(explainer):
    return build("block", "quota", rule("r", ["facebook"], "quota", quota=30, message="Be kind."), FACEBOOK, NOON,
                 build_quota(30, 30, 0, "day", NOON, NOON), explainer)


def test_explanations_are_worked_out_once_and_only_when_read():
    explainer = Explainer()
    decision = made(explainer)
    assert decision.action == "block" and explainer.asked == []
    assert decision.reason == "because reasons" and decision.reason == "because reasons"
    assert decision.trace == (TraceStep("r", True, "matches"),)
    assert decision.alternatives == (Alternative("forum", "Forum", "https://forum.example/"),)
    assert explainer.asked == ["reason", "trace", "alternatives"]
    with pytest.raises(AttributeError):
        decision.reason = "changed"                     # frozen like any Decision


def test_built_and_constructed_decisions_are_equal():
    built = made(Explainer())
    plain = Decision("block", "r", "quota", "facebook", "social", "facebook.com", False, "because reasons",
                     "Be kind.", NOON, QuotaStatus(30, 30, 0, "day", NOON, NOON),
                     alternatives=[Alternative("forum", "Forum", "https://forum.example/")],
                     trace=[TraceStep("r", True, "matches")])
    assert built == plain and plain.trace == (TraceStep("r", True, "matches"),)
    with pytest.raises(TypeError):
        Decision("allow", None, "allow", None, None, "x", False)     # reason is required


def test_json_round_trip():
    decision = made(Explainer())
    data = json.loads(json.dumps(decision.to_json()))
    assert data["until"] == "2026-11-26T12:00:00+01:00" and data["quota"]["per"] == "day"
    assert data["alternatives"] == [{"site": "forum", "label": "Forum", "url": "https://forum.example/"}]
    assert Decision.from_json(data) == decision


def test_pickle_and_copy_carry_the_explained_values():
    decision = made(Explainer())
    for twin in (pickle.loads(pickle.dumps(decision)), copy.deepcopy(decision)):
        assert twin == decision and "_why" not in twin.__dict__


def test_needs_interception():
    assert made(Explainer()).needs_interception
    plain = Decision("allow", None, "allow", None, None, "x.org", False, "ok", None, None, None)
    assert not plain.needs_interception
