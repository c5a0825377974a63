"""Extra minutes raise one person's budget for one site while they run; they open nothing by themselves."""
from __future__ import annotations

from datetime import timedelta

import pytest

from policy.changes.overrides import Grant
from policy.engine.engine import Policy
from policy.loading.loader import load_doc
from tests.web.conftest import RULES, THURSDAY_10

MIDNIGHT = THURSDAY_10.replace(hour=0) + timedelta(days=1)


@pytest.fixture(scope="module")
def base() -> Policy:
    return Policy.from_doc(load_doc(RULES))


def _extra(minutes: int, by: str = "carol", user: str = "erin", site: str = "facebook") -> Grant:
    return Grant(user, site, MIDNIGHT, THURSDAY_10, by, minutes)


def test_fifteen_more_minutes_after_the_budget_is_used_up(base):
    used_up = base.decide("erin", "https://facebook.com/", THURSDAY_10, used_minutes=30)
    assert used_up.action == "block" and used_up.quota.limit == 30
    more = base.with_overrides(grants=[_extra(15)])
    allowed = more.decide("erin", "https://facebook.com/", THURSDAY_10, used_minutes=30)
    assert allowed.action == "allow" and (allowed.quota.limit, allowed.quota.remaining) == (45, 15)
    assert more.decide("erin", "https://facebook.com/", THURSDAY_10, used_minutes=45).action == "block"
    assert more.decide("bob", "https://facebook.com/", THURSDAY_10, used_minutes=30).action == "block"


def test_extras_add_up_and_end_when_they_end(base):
    more = base.with_overrides(grants=[_extra(15), _extra(60)])
    assert more.decide("erin", "https://facebook.com/", THURSDAY_10, used_minutes=30).quota.limit == 105
    tomorrow = MIDNIGHT + timedelta(hours=10)
    assert more.decide("erin", "https://facebook.com/", tomorrow, used_minutes=0).quota.limit == 30


def test_extra_minutes_follow_the_rules_grant_bounds(base):
    with pytest.raises(ValueError, match="themselves"):
        base.with_overrides(grants=[_extra(15, by="erin")])
    with pytest.raises(ValueError, match="linkedin-read-only"):
        base.with_overrides(grants=[_extra(15, site="linkedin")])
    with pytest.raises(ValueError, match="more than 0"):
        base.with_overrides(grants=[_extra(0)])


def test_extra_minutes_asked_on_one_site_raise_the_budget_it_shares():
    """The sample company's social budget covers every external social site: 15 more minutes asked from
    Facebook's page are 15 more on Instagram too, since it is one budget with one limit."""
    from datetime import datetime
    from pathlib import Path

    sample = Policy.from_doc(load_doc(Path(__file__).resolve().parents[3] / "rules"))
    at = datetime(2026, 11, 26, 10, 0, tzinfo=sample.timezone)
    grant = Grant("alice.krueger", "facebook", at.replace(hour=23, minute=59), at, "carol.schmitt", 15)
    more = sample.with_overrides(grants=[grant])
    for url in ("https://www.facebook.com/", "https://www.instagram.com/"):
        before = sample.decide("alice.krueger", url, at, used_minutes=30)
        after = more.decide("alice.krueger", url, at, used_minutes=30)
        assert (before.action, before.quota.limit) == ("block", 30), url
        assert (after.action, after.quota.limit, after.quota.remaining) == ("allow", 45, 15), url
    # A colleague on the same budget is not raised: the minutes are Alice's alone.
    colleague = more.decide("bob.hartmann", "https://www.instagram.com/", at, used_minutes=30)
    assert (colleague.action, colleague.quota.limit) == ("block", 30)
