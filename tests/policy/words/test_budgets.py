"""A quota rule over many sites is one budget, named once; a rule over one site is that site's own."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import policy
from tests.support.cli_run import RULES

AT = datetime(2026, 11, 26, 11, 0, tzinfo=ZoneInfo("Europe/Berlin"))     # work time: the budget decides


@pytest.fixture(scope="module")
def company():
    return policy.load(RULES)


def test_the_social_budget_is_one_budget_of_the_sites_that_reach_it(company):
    budget = company.budgets["social-budget"]
    assert budget.name == "External social media" and budget.shared
    assert "LinkedIn" not in budget.sites          # its own read-only rule decides it first, for everyone
    assert budget.shared_by() == "shared by Facebook, Instagram, … (10 sites)"
    assert not company.budgets["linkedin-read-only-at-work"].shared
    assert company.budgets["video-nudge"].shared_by() == "shared by YouTube and Vimeo"


def test_every_site_of_a_shared_budget_tells_the_same_budget(company):
    used = company.decide("alice.krueger", "https://www.instagram.com/", AT, used_minutes=24)
    assert used.reason == ("Instagram is on a budget of 30 minutes a day, shared by Facebook, Instagram, … "
                           "(10 sites); 6 minutes left.")
    assert company.budgets[used.rule].line(used.quota) == \
        "External social media budget: 6 of 30 min left today, shared by Facebook, Instagram, … (10 sites)"
    spent = company.decide("alice.krueger", "https://www.instagram.com/", AT, used_minutes=30)
    assert spent.reason.startswith("You have used your 30 minutes of External social media for today, shared by "
                                   "Facebook, Instagram, … (10 sites); a new budget starts at 00:00.")
    assert "of Facebook" not in spent.reason


def test_a_budget_over_one_site_keeps_the_sites_name(tmp_path):
    from tests.support.proxy_env import TEST_RULES, write_rules
    own = policy.load(write_rules(tmp_path / "rules", TEST_RULES))
    spent = own.decide("alice", "https://www.reddit.com/", AT, used_minutes=5)
    assert spent.reason.startswith("You have used your 5 minutes of Reddit for today; ")
    assert own.decide("alice", "https://www.reddit.com/", AT, used_minutes=1).reason == \
        "Reddit is on a budget of 5 minutes a day; 4 minutes left."
