"""What managers may grant: the rule that speaks for a site and a person, its bound, and nobody to themselves."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import policy
from policy.changes.overrides import Grant
from tests.support.rule_files import CATALOGUE, with_header, write_rules

AT = datetime(2026, 11, 26, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
RULES = """
rules:
  - {name: forum-open, sites: [forum], action: allow}
  - {name: guests, who: [network:guest-wifi, anonymous], sites: [category:social], action: block}
  - {name: linkedin-read-only, sites: [linkedin], action: read-only}
  - name: staff-budget
    who: [group:staff]
    sites: [category:social]
    action: quota
    quota: {minutes: 30}
    adjustable: {minutes: {min: 0, max: 90}, grant: {max: 8h, to: [marketing]}}
  - {name: everyone-else, sites: [category:social], action: block}
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return policy.load(write_rules(tmp_path_factory.mktemp("rules"), main=with_header(CATALOGUE + RULES)))


def grant(user: str, site: str, hours: float, by: str | None = "carol") -> Grant:
    return Grant(user, site, AT + timedelta(hours=hours), AT, by)


def test_a_grant_within_the_bound_opens_the_site(base):
    granted = base.with_overrides(grants=[grant("alice", "facebook", 8)])
    assert granted.decide("alice", "https://www.facebook.com/", AT, used_minutes=30).action == "allow"
    rule, bound = base.grant_bound("alice", "facebook")
    assert (rule.name, bound.hours, bound.to) == ("staff-budget", 8, ("marketing",))


@pytest.mark.parametrize("granted, message", [
    (grant("alice", "facebook", 8.02), "rule staff-budget lets managers grant for at most 8 hours"),
    (grant("alice", "facebook", 24 * 30), "rule staff-budget lets managers grant for at most 8 hours"),
    (grant("alice", "linkedin", 1), r"rule linkedin-read-only \(main.yaml:\d+\) does not let managers grant "
                                    "linkedin: it has no 'adjustable: {grant: ...}'"),
    (grant("dave", "facebook", 1), "rule staff-budget lets managers grant facebook only to members of marketing, "
                                   "and dave is not one"),
    (grant("zed", "facebook", 1), r"rule everyone-else \(.*\) does not let managers grant facebook"),
    (grant("carol", "facebook", 1, by="carol"), "carol cannot grant access to themselves: another manager"),
    (grant("alice", "forum", 1), "forum is not limited for alice by any rule, so there is nothing to grant"),
])
def test_grants_outside_the_rules_are_refused_in_words(base, granted, message):
    with pytest.raises(ValueError, match=message):
        base.with_overrides(grants=[granted])


def test_rules_for_networks_and_anonymous_people_do_not_speak_for_a_person(base):
    # `guests` comes first and blocks on the guest wifi, but a grant is for a person, not a place.
    assert base.grant_bound("bob", "facebook")[0].name == "staff-budget"


def test_narrowing_the_bound_leaves_a_longer_running_grant_out_of_the_effective_policy(base, tmp_path):
    from policy.changes.effective import combine
    narrowed = policy.load(write_rules(tmp_path, main=with_header(CATALOGUE + RULES.replace("max: 8h", "max: 4h"))))
    running = (grant("alice", "facebook", 8),)
    assert combine(base, (), running).policy.decide("alice", "https://facebook.com/", AT, used_minutes=30).action \
        == "allow"
    assert combine(narrowed, (), running).policy.decide("alice", "https://facebook.com/", AT,
                                                        used_minutes=30).action == "block"


def test_a_default_block_with_no_rule_is_nothing_a_manager_may_open(tmp_path):
    strict = policy.load(write_rules(tmp_path, main=with_header(CATALOGUE + RULES.replace(
        "  - {name: everyone-else, sites: [category:social], action: block}\n", "default: block\n"))))
    with pytest.raises(ValueError, match=r"no rule lets managers grant facebook to zed: .* default blocks it"):
        strict.grant_bound("zed", "facebook")
