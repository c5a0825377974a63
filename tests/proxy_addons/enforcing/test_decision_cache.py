"""Remembered allows: reused while they hold, never past their end, a minute, or the policy that gave them."""
from datetime import datetime, timedelta, timezone

from proxy_addons.auth.identity import Who
from proxy_addons.enforcing.decision_cache import KEEP_S
from tests.proxy_addons.enforcing.test_deciding import decider

BERLIN = timezone(timedelta(hours=1))
ALICE, CAROL = Who("alice", "127.0.0.1"), Who("carol", "127.0.0.1")
FACEBOOK, LINKEDIN, EXAMPLE = "https://www.facebook.com:443/", "https://www.linkedin.com:443/", "http://example.org:80/"


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 26, hour, minute, second, tzinfo=BERLIN)


def test_a_lunch_allow_is_reused_until_lunch_ends_then_decided_again(tmp_path):
    d = decider(tmp_path)
    first = d.decide(ALICE, FACEBOOK, now=at(12, 59, 30))
    assert first.action == "allow" and first.until == at(13)
    assert d.decide(ALICE, FACEBOOK, now=at(12, 59, 59)) is first
    assert d.decide(ALICE, FACEBOOK, now=at(13)).action == "block"


def test_answers_are_kept_apart_by_person_and_method(tmp_path):
    d = decider(tmp_path)
    assert d.decide(CAROL, FACEBOOK, now=at(10)).action == "allow"        # comms run the accounts
    assert d.decide(ALICE, FACEBOOK, now=at(10)).action == "block"
    assert d.decide(ALICE, LINKEDIN, "GET", now=at(10)).action == "allow"
    assert d.decide(ALICE, LINKEDIN, "POST", now=at(10)).action == "block"  # read-only


def test_an_allow_without_an_end_is_kept_at_most_a_minute(tmp_path):
    d = decider(tmp_path)
    first = d.decide(ALICE, EXAMPLE, now=at(10))
    assert first.until is None
    assert d.decide(ALICE, EXAMPLE, now=at(10) + timedelta(seconds=KEEP_S - 1)) is first
    assert d.decide(ALICE, EXAMPLE, now=at(10) + timedelta(seconds=KEEP_S)) is not first


def test_a_new_policy_forgets_every_answer(tmp_path):
    d = decider(tmp_path)
    first = d.decide(ALICE, EXAMPLE, now=at(10))
    d.holder.policy = d.holder.policy.with_overrides()          # what a reload or a panel change does
    assert d.decide(ALICE, EXAMPLE, now=at(10)) is not first


def test_blocks_warns_and_quotas_are_decided_every_time(tmp_path):
    d = decider(tmp_path)
    assert d.decide(ALICE, FACEBOOK, now=at(10)) is not d.decide(ALICE, FACEBOOK, now=at(10))
    youtube = "https://www.youtube.com:443/"
    assert d.decide(ALICE, youtube, now=at(10)).action == "warn"
    d.continued.remember(ALICE.key, "video-nudge", "youtube", at(10), 60)
    continued = d.decide(ALICE, youtube, now=at(10))
    assert continued.action == "allow" and d.decide(ALICE, youtube, now=at(10)) is not continued
    reddit = "https://www.reddit.com:443/"
    assert d.decide(ALICE, reddit, now=at(10)).action == "allow"
    for minute in range(5):
        d.counter.sink.minute("alice", "reddit", "social", at(10, minute), quota_rule="reddit-budget")
    assert d.decide(ALICE, reddit, now=at(10, 10)).action == "block"
