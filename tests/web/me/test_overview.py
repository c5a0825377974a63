"""Each catalogue site with its decision for one person now: the community first, in plain words."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import policy
from tests.web.conftest import RULES, THURSDAY_10
from web.me.overview import overview

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = policy.load(RULES)


def _sites(user: str, at: datetime, used: int = 0) -> dict[str, tuple[str, str | None]]:
    sections = overview(POLICY, user, at, lambda rule, start: used)
    return {site.name: (site.headline, site.until) for section in sections for site in section.sites}


def test_the_community_comes_first():
    sections = overview(POLICY, "erin", THURSDAY_10, lambda rule, start: 0)
    assert [(s.label, s.internal) for s in sections] == [("Our community", True), ("External social media", False)]
    assert [site.label for site in sections[1].sites] == ["Facebook", "LinkedIn", "YouTube"]


def test_a_working_morning_in_words():
    assert _sites("erin", THURSDAY_10, used=12) == {
        "forum": ("Open", None),
        "facebook": ("Open · 18 of 30 min left today", "until today at 12:00"),
        "linkedin": ("Reading only", "until today at 12:00"),
        "youtube": ("Asks first", "until today at 12:00"),
    }


def test_a_spent_budget_says_when_it_opens():
    headline, until = _sites("erin", THURSDAY_10, used=30)["facebook"]
    assert (headline, until) == ("Closed", "opens today at 12:00")


def test_lunch_opens_everything_until_it_ends():
    lunch = datetime(2026, 11, 26, 12, 15, tzinfo=BERLIN)
    assert _sites("erin", lunch)["facebook"] == ("Open", "until today at 13:00")


def test_people_outside_the_budget_group_are_closed_outside_lunch():
    assert _sites("someone-else", THURSDAY_10)["facebook"] == ("Closed", "opens today at 12:00")
    assert _sites("cleo", THURSDAY_10)["facebook"][0] == "Open"  # communications runs the accounts


def test_the_rule_message_is_what_people_read():
    sections = overview(POLICY, "erin", THURSDAY_10, lambda rule, start: 0)
    facebook = next(site for section in sections for site in section.sites if site.name == "facebook")
    assert facebook.message == "Thirty minutes a day; lunch doesn't count."
    assert facebook.quota.limit == 30 and facebook.quota.remaining == 30


def test_a_change_from_one_refusal_to_another_is_no_opening():
    from policy.engine.engine import Policy
    from tests.support.policies import doc, rule, schedule, site, window
    two_refusals = Policy.from_doc(doc(
        sites=[site("facebook", "facebook.com", label="Facebook")],
        schedules=[schedule("mornings", window(days=range(7), start="07:00", end="10:00"))],
        rules=[rule("not-in-the-morning", ["facebook"], "block", when=["mornings"]),
               rule("never", ["facebook"], "block")]))
    morning = datetime(2026, 11, 26, 8, 0, tzinfo=BERLIN)
    assert two_refusals.decide("erin", "https://facebook.com/", morning).until is not None
    (facebook,) = [s for section in overview(two_refusals, "erin", morning, lambda r, s: 0) for s in section.sites]
    assert (facebook.headline, facebook.until) == ("Closed", None)
    assert facebook.reason == "Facebook is not open to you at any time in the coming weeks."
