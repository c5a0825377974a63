"""A rule reaches a group when the engine lets it decide some request of the group's people."""
from __future__ import annotations

from datetime import date

from policy.engine.engine import Policy
from policy.loading.loader import load_doc
from policy.review.reach import first_decider, site_urls

COMPANY = Policy(load_doc("rules"))
COMMUNICATIONS = ["lena.hoffmann", "jonas.becker", "mira.okafor", "paul.richter", "sofia.marino"]


def test_communications_budget_is_decided_by_the_rule_before_it():
    assert first_decider(COMPANY, "social-budget", COMMUNICATIONS, date(2026, 11, 26)) == "comms-runs-our-accounts"
    assert first_decider(COMPANY, "video-nudge", COMMUNICATIONS, date(2026, 11, 26)) == "comms-runs-our-accounts"


def test_a_rule_that_decides_at_work_hours_reaches_the_group():
    assert first_decider(COMPANY, "social-budget", ["alice.krueger", "bob.hartmann"], date(2026, 11, 26)) is None
    assert first_decider(COMPANY, "contractor-budget", ["ivan.horvat"], date(2026, 11, 26)) is None
    assert first_decider(COMPANY, "no-such-rule", ["ivan.horvat"], date(2026, 11, 26)) is None


def test_site_urls_cover_categories_names_and_domains():
    assert site_urls(COMPANY, ["linkedin", "domain:example.org"]) == ["https://linkedin.com/", "https://example.org/"]
    assert len(site_urls(COMPANY, ["category:video"])) == 2
