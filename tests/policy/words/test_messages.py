"""Rule messages with placeholders: filled from the policy in force, checked when the rules are."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import policy
from policy.changes.effective import combine
from policy.changes.overrides import Adjustment
from policy.words.messages import fill, problems, states_a_number, uses
from tests.support.cli_run import RULES

AT = datetime(2026, 11, 26, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))     # work time


@pytest.fixture(scope="module")
def company():
    return policy.load(RULES)


def test_the_message_says_the_minutes_a_manager_set(company):
    assert company.decide("alice.krueger", "https://www.instagram.com/", AT).message == \
        "30 minutes a day during work hours; lunch and evenings don't count."
    adjusted = combine(company, (Adjustment("social-budget", "marketing", minutes=20),)).policy
    assert adjusted.decide("alice.krueger", "https://www.instagram.com/", AT).message == \
        "20 minutes a day during work hours; lunch and evenings don't count."
    assert adjusted.decide("emma.schulz", "https://www.instagram.com/", AT).message.startswith("30 minutes")


def test_site_budget_and_opens_are_filled_only_when_used():
    asked = []

    def value(name, text):
        return lambda: asked.append(name) or text
    values = {name: value(name, text) for name, text in
              (("site", "Instagram"), ("budget", "External social media"), ("opens", "today at 12:00"),
               ("minutes", 30), ("per", "day"))}
    assert fill("{site} opens {opens}; {{braces}} stay", values) == "Instagram opens today at 12:00; {braces} stay"
    assert sorted(asked) == ["opens", "site"]
    assert fill("No placeholder at all", values) == "No placeholder at all"
    assert fill("{unchecked} is shown as written", values) == "{unchecked} is shown as written"


def test_opens_says_when_the_site_next_opens(tmp_path, company):
    from tests.support.proxy_env import TEST_RULES, write_rules
    rules = TEST_RULES.replace("message: Facebook opens at lunch <b>for everyone</b>.",
                               "message: '{site} opens {opens}, {budget} included.'")
    own = policy.load(write_rules(tmp_path / "rules", rules))
    assert own.decide("alice", "https://www.facebook.com/", AT).message == \
        "Facebook opens today at 12:00, Facebook included."


def test_unknown_placeholders_and_stray_braces_are_problems():
    assert problems("{minutes} minutes a {per}, {site}, {budget}, {opens}") == []
    assert problems("{minute} minutes")[0][0] == "unknown placeholder {minute} in the message"
    assert "{minutes}, {per}, {opens}, {site}, {budget}" in problems("{minute} minutes")[0][1]
    assert problems("a { alone")[0][0].startswith("message has a stray brace")


def test_numbers_that_a_placeholder_should_say():
    assert states_a_number("Thirty minutes a day") and states_a_number("30 min")
    assert not states_a_number("{minutes} minutes a {per}") and not states_a_number("Lunch is free")
    assert uses("{minutes} minutes", "minutes") and not uses("Thirty minutes", "minutes")
