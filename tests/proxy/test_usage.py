"""Active minutes and quotas: what counts, the one-time notice, and a budget that runs out."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from mitmproxy.test import tutils

from proxy_addons.memory_sink import MemorySink
from proxy_addons.usage import UsageCounter, is_page_load
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy

T0 = datetime(2026, 11, 26, 9, 0, 10, tzinfo=timezone.utc)
PROXY_OPTIONS = {"watercooler_test_clock": "2026-11-26T10:00:00+01:00x60"}   # a real second is a minute


def request(method="GET", **headers):
    return tutils.treq(method=method.encode(), headers=tuple((k.encode(), v.encode()) for k, v in headers.items()))


def test_documents_count_and_assets_do_not():
    assert is_page_load(request(**{"Sec-Fetch-Dest": "document"}))
    assert is_page_load(request(**{"Sec-Fetch-Dest": "iframe"}))
    assert not is_page_load(request(**{"Sec-Fetch-Dest": "image", "Accept": "text/html"}))
    assert is_page_load(request(Accept="text/html,application/xhtml+xml"))
    assert not is_page_load(request(Accept="application/json"))
    assert not is_page_load(request("POST", Accept="text/html"))


def decision(site="reddit", rule="budget", rule_action="quota", bundle=False):
    return SimpleNamespace(site=site, rule=rule, rule_action=rule_action, bundle=bundle, category="social")


def test_a_minute_is_sent_once_and_bundles_never():
    sink = MemorySink()
    counter = UsageCounter(sink)
    for second in range(0, 50, 5):
        counter.count("alice", decision(), T0 + timedelta(seconds=second))
    counter.count("alice", decision(bundle=True), T0 + timedelta(minutes=1))
    counter.count("alice", decision(site=None), T0 + timedelta(minutes=1))
    assert sink.used_minutes("alice", "budget", T0 - timedelta(hours=1)) == 1
    assert len(sink.active) == 1


def test_the_current_minute_is_already_paid_for():
    sink = MemorySink()
    counter = UsageCounter(sink)
    start = T0 - timedelta(hours=1)
    counter.count("alice", decision(), T0)
    assert counter.used_for("alice", T0 + timedelta(seconds=20))("budget", start) == 0    # still this minute
    assert counter.used_for("alice", T0 + timedelta(minutes=1))("budget", start) == 1     # next minute


@pytest.mark.e2e
def test_a_quota_warns_once_then_runs_out_and_blocks(origins):
    answers = []

    def load_page():
        seen = http_via_proxy(origins.port, b"GET http://www.reddit.com/r/python HTTP/1.1\r\n"
                                            b"Host: www.reddit.com\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
        answers.append(seen)
        return seen.status == 403

    # A page load every 0.2 s is one every 12 seconds on the proxy's fast clock.
    poll(load_page, timeout=30, interval=0.2, what="the Reddit budget to run out")

    notices = [a for a in answers if b"left on Reddit" in a.body]
    assert len(notices) == 1 and b"1 minute left on Reddit today" in notices[0].body
    blocked = answers[-1].text
    assert "You&#39;ve used your time on Reddit" in blocked or "You've used your time on Reddit" in blocked
    assert "5 of 5 minutes used today" in blocked and "tomorrow at 00:00" in blocked
    passed = [a for a in answers if b"origin page" in a.body]
    assert len(passed) >= 5 and len(origins.http_origin.seen) == len(passed)
