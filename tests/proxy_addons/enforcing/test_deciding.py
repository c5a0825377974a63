from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from proxy_addons.auth.identity import Who
from proxy_addons.clock import SimulatedClock
from proxy_addons.enforcing.continued import ContinuedState
from proxy_addons.enforcing.deciding import Decider, PolicyUnavailable, site_url
from proxy_addons.rules.watch import PolicyHolder
from proxy_addons.usage.counter import UsageCounter
from proxy_addons.usage.memory_sink import MemorySink
from tests.support.proxy_env import write_rules


def decider(tmp_path=None) -> Decider:
    holder = PolicyHolder()
    if tmp_path is not None:
        holder.load_now(str(write_rules(tmp_path / "rules")))
    # Thursday 10:00 in Berlin: Facebook is closed (lunch is 12:00-13:00), whatever the real time.
    return Decider(holder, UsageCounter(MemorySink()), ContinuedState(),
                   SimulatedClock(datetime(2026, 11, 26, 10, 0, tzinfo=timezone(timedelta(hours=1)))))


def test_the_policy_sees_scheme_host_and_port_but_never_the_path():
    request = SimpleNamespace(scheme="https", host="www.facebook.com", port=443, path="/secret?q=1")
    assert site_url(request) == "https://www.facebook.com:443/"
    assert site_url(SimpleNamespace(scheme="http", host="::1", port=80)) == "http://[::1]:80/"


def test_usage_and_continue_state_are_passed_in(tmp_path):
    d = decider(tmp_path)
    at = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)      # 10:00 in Berlin
    who = Who("alice", "127.0.0.1")
    assert d.decide(who, "https://www.youtube.com/", now=at).action == "warn"
    d.continued.remember(who.key, "video-nudge", "youtube", at, 60)
    assert d.decide(who, "https://www.youtube.com/", now=at).action == "allow"
    for minute in range(5):
        d.counter.sink.minute("alice", "reddit", "social", at.replace(minute=minute), quota_rule="reddit-budget")
    assert d.decide(who, "https://www.reddit.com/", now=at.replace(minute=10)).action == "block"


def test_no_policy_or_a_test_fault_is_unavailable(tmp_path):
    with pytest.raises(PolicyUnavailable, match="no valid policy"):
        decider().decide(Who(None, "127.0.0.1"), "https://www.example.org/")
    d = decider(tmp_path)
    d.fault = True
    with pytest.raises(PolicyUnavailable, match="on purpose"):
        d.decide(Who(None, "127.0.0.1"), "https://www.example.org/")


def test_an_address_that_cannot_be_looked_inside_is_decided_by_the_unnamed_setting(tmp_path):
    d = decider(tmp_path)
    assert d.decide_unnamed(Who("carol", "127.0.0.1"), "https://127.0.0.1:8443/").action == "allow"  # comms
    refused = d.decide_unnamed(Who("alice", "127.0.0.1"), "https://[::1]:443/")
    assert refused.action == "block" and refused.host == "::1"
    with pytest.raises(PolicyUnavailable, match="no valid policy"):
        decider().decide_unnamed(Who("carol", "127.0.0.1"), "https://127.0.0.1/")
    d.fault = True
    with pytest.raises(PolicyUnavailable, match="on purpose"):
        d.decide_unnamed(Who("carol", "127.0.0.1"), "https://127.0.0.1/")
