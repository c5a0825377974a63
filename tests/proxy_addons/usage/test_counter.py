"""Active minutes and quotas: what counts, the one-time notice, and a budget that runs out."""
from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from mitmproxy.test import tutils

from proxy_addons.usage.counter import BUSY, UsageCounter, activity, is_page_load
from proxy_addons.usage.memory_sink import MemorySink
from tests.support.net import poll
from tests.support.proxy_clients import FETCH, NAVIGATION, HttpsTab, http_via_proxy
from tests.support.proxy_env import charged_minutes

T0 = datetime(2026, 11, 26, 9, 0, 10, tzinfo=timezone.utc)
PROXY_OPTIONS = {"watercooler_test_clock": "2026-11-26T10:00:00+01:00x60"}   # a real second is a minute
PROXY_PROGRAMS = ("watercooler",)                  # counting is the same code however the proxy runs


def request(method="GET", **headers):
    return tutils.treq(method=method.encode(), headers=tuple((k.encode(), v.encode()) for k, v in headers.items()))


def test_documents_count_and_assets_do_not():
    assert is_page_load(request(**{"Sec-Fetch-Dest": "document"}))
    assert is_page_load(request(**{"Sec-Fetch-Dest": "iframe"}))
    assert not is_page_load(request(**{"Sec-Fetch-Dest": "image", "Accept": "text/html"}))
    assert is_page_load(request(Accept="text/html,application/xhtml+xml"))
    assert not is_page_load(request(Accept="application/json"))
    assert not is_page_load(request("POST", Accept="text/html"))


def test_what_one_request_says_about_use():
    assert activity(request(**NAVIGATION)) == BUSY
    assert activity(request("POST", **{"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})) == BUSY
    assert activity(request(**{"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"})) == BUSY
    assert activity(request(Accept="*/*")) == BUSY                       # curl, an app: no Fetch metadata
    assert activity(request("POST", Accept="application/json")) == BUSY
    assert activity(request(**FETCH)) == 1
    assert activity(request("POST", **FETCH)) == 1
    assert activity(request(**{"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})) == 1
    assert activity(request(**{"Sec-Fetch-Mode": "websocket", "Sec-Fetch-Dest": "websocket"})) == 1
    preflight = request("OPTIONS", **{"Sec-Fetch-Mode": "cors", "Access-Control-Request-Method": "PUT"})
    assert activity(preflight) == 0


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


def test_a_minute_is_active_from_its_busy_th_request_on_and_is_sent_once():
    sink = MemorySink()
    counter = UsageCounter(sink)
    start = T0 - timedelta(hours=1)
    for second in range(BUSY - 1):
        counter.note("alice", decision(), T0 + timedelta(seconds=second), 1)
    assert sink.used_minutes("alice", "budget", start) == 0 and not sink.active
    for second in range(BUSY - 1, 40):
        counter.note("alice", decision(), T0 + timedelta(seconds=second), 1)
    assert sink.used_minutes("alice", "budget", start) == 1 and len(sink.active) == 1
    counter.note("alice", decision(), T0 + timedelta(seconds=45), BUSY)            # a navigation, same minute
    assert sink.used_minutes("alice", "budget", start) == 1


def test_a_poll_a_minute_never_adds_up_and_a_navigation_counts_at_once():
    sink = MemorySink()
    counter = UsageCounter(sink)
    for minute in range(60):
        for poll_in_minute in range(BUSY - 1):
            counter.note("bob", decision(), T0 + timedelta(minutes=minute, seconds=poll_in_minute), 1)
    assert sink.used_minutes("bob", "budget", T0 - timedelta(hours=1)) == 0
    counter.note("bob", decision(), T0 + timedelta(minutes=61), BUSY)
    assert sink.used_minutes("bob", "budget", T0 - timedelta(hours=1)) == 1
    counter.note("bob", decision(), T0 + timedelta(minutes=62), 0)                # a preflight: nothing
    assert sink.used_minutes("bob", "budget", T0 - timedelta(hours=1)) == 1


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


# --- what active use costs, through the real proxy, stored in a real SQLite file -------------------
@pytest.mark.e2e
def test_ten_minutes_of_fetch_after_one_page_load_cost_ten_minutes(metered):
    env = metered(speed=60)                                  # a real second is a minute
    tab = HttpsTab(env.port, "www.reddit.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem], auth=("eve", "pw"))
    assert tab.request("GET", "/", NAVIGATION).status == 200
    fetches, end = 0, time.monotonic() + 10                  # ten minutes of a feed loading itself
    while time.monotonic() < end:
        assert tab.request("GET", f"/api/feed?after={fetches}", FETCH).status == 200
        fetches += 1
    tab.close()
    assert fetches >= 10 * 2 * BUSY, f"only {fetches} fetches: the client was too slow to test anything"
    # Ten minutes; the minutes at either end are begun ones, so the count is 10 or 11.
    assert 10 <= charged_minutes(env, "eve", "reddit-budget") <= 11


@pytest.mark.e2e
def test_a_background_tab_polling_once_a_minute_for_an_hour_costs_its_page_load_only(metered):
    env = metered(speed=240)                                 # a quarter of a real second is a minute
    tab = HttpsTab(env.port, "www.reddit.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem], auth=("bea", "pw"))
    assert tab.request("GET", "/", NAVIGATION).status == 200
    start = time.monotonic()
    for minute in range(60):
        assert tab.request("GET", "/api/unread", FETCH).status == 200
        # The tab's own pace, not a wait for the proxy: one poll a minute on the proxy's clock.
        time.sleep(max(0.0, start + (minute + 1) * 0.25 - time.monotonic()))
    tab.close()
    assert len(env.https_origin.seen_for("www.reddit.com")) == 61
    assert charged_minutes(env, "bea", "reddit-budget") == 1


@pytest.mark.e2e
def test_a_non_browser_client_is_charged_for_each_minute_it_asks(metered):
    env = metered(speed=1)
    for _ in range(3):                                       # one minute, asked three times: charged once
        done = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                               "-x", env.proxy.url, "--proxy-user", "cody:pw", "--cacert", str(env.proxy.ca_pem),
                               "https://www.reddit.com/api/comments.json"], capture_output=True, check=True)
        assert done.stdout == b"200"
    assert charged_minutes(env, "cody", "reddit-budget") == 1


# --- the same, with Chromium's own Fetch metadata -----------------------------------------------------
def open_reddit(browser, env, user: str):
    context = browser.new_context(proxy={"server": env.proxy.url, "username": user, "password": "pw"},
                                  ignore_https_errors=True)
    page = context.new_page()
    page.goto("https://www.reddit.com/")
    assert page.get_by_text("origin page for www.reddit.com GET /").is_visible()
    return context, page


@pytest.mark.e2e
def test_a_feed_loading_itself_in_chromium_costs_every_minute(metered, browser):
    env = metered(speed=60)
    context, page = open_reddit(browser, env, "fay")
    fetches = page.evaluate("""async () => {           // ten minutes of a feed fetching more posts
        let count = 0;
        for (const end = Date.now() + 10000; Date.now() < end; count++) {
            const answer = await fetch(`/api/feed?after=${count}`);
            if (answer.status !== 200) throw new Error(`fetch answered ${answer.status}`);
        }
        return count;
    }""")
    context.close()
    assert fetches >= 10 * 2 * BUSY, f"only {fetches} fetches: the browser was too slow to test anything"
    assert 10 <= charged_minutes(env, "fay", "reddit-budget") <= 11


@pytest.mark.e2e
def test_a_chromium_tab_polling_once_a_minute_for_an_hour_costs_its_page_load(metered, browser):
    env = metered(speed=240)                                 # a quarter of a real second is a minute
    context, page = open_reddit(browser, env, "gus")
    polls = page.evaluate("""() => new Promise((done, failed) => {
        let count = 0;
        const timer = setInterval(async () => {       // what a tab's unread counter does
            const answer = await fetch("/api/unread");
            if (answer.status !== 200) { clearInterval(timer); failed(new Error(`poll answered ${answer.status}`)); }
            if (++count === 60) { clearInterval(timer); done(count); }
        }, 250);
    })""")
    context.close()
    assert polls == 60
    assert charged_minutes(env, "gus", "reddit-budget") == 1


@pytest.mark.e2e
def test_reading_the_one_minute_left_notice_uses_none_of_that_minute(tmp_path):
    from tests.support.proxy_env import TEST_RULES, start_metered

    env = start_metered(tmp_path / "budget", TEST_RULES, speed=60)   # a 5-minute budget; a real second is a minute
    try:
        tab = HttpsTab(env.port, "www.reddit.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem], auth=("nia", "pw"))
        answers = []

        def load_page() -> bool:
            answers.append(tab.request("GET", "/r/python", NAVIGATION))
            return b"left on Reddit" in answers[-1].body or answers[-1].status != 200

        # A page load every 0.2 s is one every 12 seconds on the proxy's clock.
        poll(load_page, timeout=30, interval=0.2, what="the one-minute-left notice")
        tab.close()
        assert answers[-1].status == 200 and b"1 minute left on Reddit today" in answers[-1].body
        assert charged_minutes(env, "nia", "reddit-budget") == 4     # the last minute is still the person's
    finally:
        env.stop()
