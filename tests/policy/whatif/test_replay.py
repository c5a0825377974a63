"""Replaying one person's minutes: budgets run out when they would have, once per minute, per period."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from policy.whatif.replay import GRANTED, UNKNOWN, Replayer
from policy.whatif.setup import hosts
from tests.support.whatif_rules import policies


def at(day: int, hour: int, minute: int) -> float:
    return datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc).timestamp()


def minutes(site: str, day: int, hour: int, first: int, count: int, category: str = "social") -> list:
    return [(at(day, hour, first) + 60 * i, site, category) for i in range(count)]


@pytest.fixture
def current(tmp_path):
    return policies(tmp_path)[0]


def test_a_budget_runs_out_at_its_thirtieth_minute_and_blocks_the_rest(current):
    replay = Replayer([(float("-inf"), current)], hosts(current.doc)).person("m1", minutes("facebook", 23, 9, 0, 40))
    assert replay.actions == ["allow"] * 30 + ["block"] * 10
    assert replay.rules == ["budget"] * 40
    assert sum(replay.charged) == 30
    assert replay.runouts == {("budget", at(23, 0, 0)): (at(23, 9, 29), "facebook", "social")}


def test_two_sites_in_one_minute_are_charged_once(current):
    used = sorted(minutes("facebook", 23, 9, 0, 40) + minutes("x", 23, 9, 10, 5))
    replay = Replayer([(float("-inf"), current)], hosts(current.doc)).person("m1", used)
    assert sum(replay.charged) == 30
    assert replay.actions.count("allow") == 35          # x rides on minutes facebook paid for
    assert replay.runouts[("budget", at(23, 0, 0))][0] == at(23, 9, 29)


def test_a_new_day_brings_a_new_budget(current):
    used = minutes("facebook", 23, 9, 0, 35) + minutes("facebook", 24, 9, 0, 5)
    replay = Replayer([(float("-inf"), current)], hosts(current.doc)).person("m1", used)
    assert replay.actions == ["allow"] * 30 + ["block"] * 5 + ["allow"] * 5
    assert replay.used == {("budget", at(23, 0, 0)): 30, ("budget", at(24, 0, 0)): 5}


def test_an_adjustment_from_ten_oclock_raises_the_budget_from_then(current):
    from policy.changes.overrides import Adjustment
    raised = current.with_overrides([Adjustment("budget", "sales", minutes=45)])
    replayer = Replayer([(float("-inf"), current), (at(23, 10, 0), raised)], hosts(current.doc))
    replay = replayer.person("s2", minutes("facebook", 23, 9, 0, 40) + minutes("facebook", 23, 10, 0, 20))
    assert replay.actions == ["allow"] * 30 + ["block"] * 10 + ["allow"] * 15 + ["block"] * 5
    assert sum(replay.charged) == 45


def test_a_grant_opens_its_site_from_its_start_to_its_end_without_charging(current):
    grants = {("m1", "facebook"): [(at(23, 9, 30), at(23, 9, 35))]}
    replay = Replayer([(float("-inf"), current)], hosts(current.doc), grants).person(
        "m1", minutes("facebook", 23, 9, 0, 40))
    assert replay.actions == ["allow"] * 35 + ["block"] * 5
    assert replay.rules[30:35] == [GRANTED] * 5
    assert sum(replay.charged) == 30


def test_warn_rules_warn_and_sites_nobody_knows_say_so(current):
    used = minutes("youtube", 23, 9, 0, 2, "video") + minutes("gone", 23, 9, 5, 1, "")
    replay = Replayer([(float("-inf"), current)], hosts(current.doc)).person("m1", used)
    assert replay.actions == ["warn", "warn", UNKNOWN]
    assert replay.rules == ["video", "video", ""]


def test_spans_cover_a_day_with_what_an_attempt_would_get(current):
    replayer = Replayer([(float("-inf"), current)], hosts(current.doc))
    exhausted = replayer.spans("m1", "facebook", at(23, 0, 0), at(24, 0, 0), lambda rule, start, limit: limit)
    assert exhausted == [(at(23, 0, 0), at(24, 0, 0), "block", "budget")]
    fresh = replayer.spans("m1", "facebook", at(23, 0, 0), at(24, 0, 0), lambda rule, start, limit: 3)
    assert [action for _, _, action, _ in fresh] == ["allow"]
