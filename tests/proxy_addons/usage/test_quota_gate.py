"""When a new quota minute waits for the database, and one budget per person across two
`watercooler proxy` processes on one PostgreSQL with a 1-minute daily budget: a proxy that never
served the person, one that forgot them after 15 idle minutes, and a person switching proxies in
their last minute all see the same budget; a database that cannot be reached stops the minute as
`watercooler_fail` says, never hands it out for free."""
from __future__ import annotations

import asyncio
import ssl
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from proxy_addons.clock import SimulatedClock
from proxy_addons.usage.counter import BUSY
from proxy_addons.usage.memory_sink import MemorySink
from proxy_addons.usage.quota_gate import FRESH_S, QuotaClaimNeeded, QuotaGate, QuotaUnknown
from storage.migrate import upgrade
from storage.usage.tables import QuotaCharge
from storage.writer.sink import DatabaseUsageSink
from tests.support.databases import count_rows
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.proxy_clients import Seen, http_via_proxy, https_via_proxy, proxy_authorization
from tests.support.proxy_env import ProxyEnv, start_env
from tests.support.ws_client import BROWSER_WEBSOCKET, WsClient

RULES = """
version: 1
timezone: Europe/Berlin
categories:
  social: {label: Social media}
sites:
  reddit: {label: Reddit, category: social, domains: [reddit.com]}
rules:
  - name: reddit-budget
    sites: [reddit]
    action: quota
    quota: {minutes: 1, per: day}
default: allow
"""
MORNING = "2026-11-26T10:00:00+01:00"
USED_UP = "1 of 1 minutes used today"
DAY_START = datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)
NOON = datetime(2026, 11, 26, 11, 0, 20, tzinfo=timezone.utc)


def quota_decision(remaining: int, limit: int = 30, action: str = "allow"):
    quota = SimpleNamespace(limit=limit, remaining=remaining, period_start=DAY_START)
    return SimpleNamespace(action=action, rule="reddit-budget", rule_action="quota", quota=quota,
                           site="reddit", bundle=False)


def gate_on(sink, speed: float = 1.0) -> QuotaGate:
    gate = QuotaGate()
    gate.sink, gate.clock = sink, SimulatedClock(NOON, speed)
    return gate


def test_the_margin_covers_what_other_proxies_may_not_have_written_yet():
    assert gate_on(MemorySink()).margin() == 2                 # real time: the last two minutes are claimed
    assert gate_on(MemorySink(), speed=60).margin() > 50       # a fast test clock: nearly every minute


def test_a_proxy_alone_never_waits():
    gate = gate_on(MemorySink())
    gate.check("alice", quota_decision(remaining=1, limit=1), NOON)     # memory is the whole truth


def test_a_new_minute_waits_unless_read_recently_and_well_before_the_last_ones(tmp_path):
    url = f"sqlite:///{tmp_path / 'usage.db'}"
    upgrade(url)
    sink = DatabaseUsageSink(url, data=tmp_path, node="a", refresh_every=3600)
    ticks = [0.0]
    sink.use_clock(lambda: ticks[0])
    gate = gate_on(sink)
    try:
        sink.used_minutes("alice", "reddit-budget", DAY_START)
        with pytest.raises(QuotaClaimNeeded):                  # plenty left, but never read from the database
            gate.check("alice", quota_decision(remaining=20), NOON)
        poll(lambda: sink.status()["database"] == "up", what="the writer to reach the database")
        sink.quotas.refresh()
        gate.check("alice", quota_decision(remaining=3), NOON)     # read just now, 2 left after this one
        gate.check("alice", quota_decision(remaining=0, action="block"), NOON)     # nothing to charge
        with pytest.raises(QuotaClaimNeeded) as needed:        # one of the last two minutes
            gate.check("alice", quota_decision(remaining=2), NOON)
        assert asyncio.run(gate.claim(needed.value.claim)) is True
        gate.check("alice", quota_decision(remaining=2), NOON)     # the minute is paid: nothing more to charge
        ticks[0] = FRESH_S + 1
        with pytest.raises(QuotaClaimNeeded):                  # read too long ago
            gate.check("alice", quota_decision(remaining=20), NOON + timedelta(minutes=1))
    finally:
        gate.close()
        sink.close()


def test_a_request_decided_again_after_a_claim_is_decided_as_of_the_claimed_moment():
    gate = gate_on(MemorySink(), speed=240)                    # a minute passes in a quarter of a second
    real = gate.clock
    gate.decider = SimpleNamespace(clock=real)
    with gate.pinned(NOON):
        assert gate.decider.clock.now() == NOON and gate.decider.clock.speed == 240
    assert gate.decider.clock is real


@pytest.mark.postgres
def test_a_claim_that_takes_too_long_leaves_the_request_undecided_and_charges_nothing(pg_url, tmp_path):
    upgrade(pg_url)
    with database_outage(pg_url) as (slow_url, outage):
        sink = DatabaseUsageSink(slow_url, data=tmp_path, node="a")
        gate = gate_on(sink)
        try:
            with pytest.raises(QuotaClaimNeeded) as needed:
                gate.check("alice", quota_decision(remaining=1, limit=1), NOON)
            outage.slow(0.3)                                   # every round trip: the claim takes seconds
            with pytest.raises(QuotaUnknown, match="did not answer within 2 s"):
                asyncio.run(gate.claim(needed.value.claim))
            gate.close(wait=True)                              # the claim goes on after the request gave up
        finally:
            outage.restore()
            gate.close()
            sink.close()
    assert count_rows(pg_url, QuotaCharge) == 0


def visit(env: ProxyEnv, path: str = "/", dest: str = "document") -> Seen:
    """alice loads a Reddit page (or, with another `dest`, one of its images) through `env`."""
    headers = {"Sec-Fetch-Dest": dest, "Sec-Fetch-Mode": "navigate" if dest == "document" else "no-cors",
               **proxy_authorization(("alice", "any"))}
    return http_via_proxy(env.port, (
        f"GET http://www.reddit.com{path} HTTP/1.1\r\nHost: www.reddit.com\r\nAccept: */*\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        + "Connection: close\r\n\r\n").encode())


def start_node(tmp_path, name: str, db: str, clock: str, **options: str) -> ProxyEnv:
    env = start_env(tmp_path / name, RULES, {"watercooler_db": db, "watercooler_test_clock": clock,
                                              "proxyauth": "any", **options}, program="watercooler")
    env.proxy.wait_for_log("quota state loaded", timeout=20)
    return env


@pytest.fixture
def nodes(tmp_path, monkeypatch):
    """Starts proxies (`nodes(name, db, clock)`) sharing one data folder, and stops them all."""
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))
    started: list[ProxyEnv] = []

    def start(name: str, db: str, clock: str, **options: str) -> ProxyEnv:
        started.append(start_node(tmp_path, name, db, clock, **options))
        return started[-1]

    yield start
    for env in started:
        env.stop()


def charges(url: str) -> int:
    return count_rows(url, QuotaCharge, user_name="alice", rule="reddit-budget")


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_proxy_that_never_served_the_person_blocks_a_budget_used_elsewhere(pg_url, nodes):
    first = nodes("a", pg_url, MORNING)
    second = nodes("b", pg_url, "2026-11-26T10:05:00+01:00")   # started before alice's minute; later on the clock
    assert visit(first).status == 200                          # the day's one minute, on the first proxy
    blocked = visit(second)
    assert blocked.status == 403 and USED_UP in blocked.text
    assert second.http_origin.seen == [] and len(first.http_origin.seen) == 1
    assert charges(pg_url) == 1


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_proxy_that_forgot_an_idle_person_reads_their_budget_again(pg_url, nodes):
    fast = f"{MORNING}x60"                                     # 15 idle minutes pass in 15 seconds
    first, second = nodes("a", pg_url, fast), nodes("b", pg_url, fast)
    assert visit(first, "/logo.png", "image").status == 200    # the first proxy knows alice: 0 used
    assert visit(second).status == 200                             # her minute, on the second proxy
    first.proxy.wait_for_log("idle key(s) forgotten", timeout=60)
    blocked = visit(first)
    assert blocked.status == 403 and USED_UP in blocked.text
    assert [seen.path for seen in first.http_origin.seen] == ["/logo.png"]
    assert charges(pg_url) == 1


@pytest.mark.e2e
@pytest.mark.postgres
def test_switching_proxies_in_the_last_minute_keeps_it_paid_and_never_gives_another(pg_url, nodes):
    anchor, speed = time.time(), 4                             # one clock minute: 15 s, the same on both
    clock = f"{MORNING}x{speed}@{anchor}"
    first, second = nodes("a", pg_url, clock), nodes("b", pg_url, clock)
    assert visit(second, "/logo.png", "image").status == 200   # the second proxy knows alice: 0 used

    def clock_at(condition) -> datetime:
        def now() -> datetime:
            return datetime.fromisoformat(MORNING) + timedelta(seconds=(time.time() - anchor) * speed)
        return poll(lambda: condition(now()) and now(), timeout=30, what="a moment on the proxies' clock")

    minute = clock_at(lambda now: now.second < 8).replace(second=0, microsecond=0)
    assert visit(first).status == 200                          # her last minute, on the first proxy
    clock_at(lambda now: now.second >= 32)                     # the second proxy has read it meanwhile
    assert [visit(node).status for node in (second, first, second)] == [200, 200, 200]    # paid: kept
    clock_at(lambda now: now >= minute + timedelta(minutes=1, seconds=1))
    for node in (second, first, second, first):                # the next minute: blocked on both
        blocked = visit(node)
        assert blocked.status == 403 and USED_UP in blocked.text
    assert len(first.http_origin.seen) + len(second.http_origin.seen) == 5
    assert charges(pg_url) == 1


@pytest.mark.e2e
@pytest.mark.postgres
@pytest.mark.parametrize("fail, status, reaches_site", [("closed", 503, False), ("open", 200, True)])
def test_an_unreachable_database_follows_watercooler_fail(pg_url, nodes, fail, status, reaches_site):
    with database_outage(pg_url) as (proxy_db, outage):
        node = nodes("a", proxy_db, MORNING, watercooler_fail=fail)
        outage.cut()
        seen = visit(node)
        assert seen.status == status
        if fail == "closed":
            assert "Policy unavailable" in seen.text
        assert bool(node.http_origin.seen) == reaches_site
        node.proxy.wait_for_log("usage database is unavailable")
        outage.restore()
    assert charges(pg_url) == 0                                # no minute was handed out, or charged


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_websocket_message_that_cannot_claim_its_minute_closes_the_connection(pg_url, nodes):
    with database_outage(pg_url) as (proxy_db, outage):
        node = nodes("a", proxy_db, MORNING)
        client = WsClient(node.port, "www.reddit.com", headers={**BROWSER_WEBSOCKET,
                                                                **proxy_authorization(("alice", "any"))})
        assert client.status == 101                            # the handshake alone does not make a minute
        outage.cut()
        answers = []
        for number in range(BUSY):                             # the messages that make the minute active
            client.send(f"message {number}")
            answers.append(client.receive())
            if answers[-1] is None:
                break
        client.close()
        assert answers[-1] is None and len(answers) < BUSY     # closed at the message that needed the claim
        assert node.http_origin.ws_received == [f"message {n}" for n in range(len(answers) - 1)]
        node.proxy.wait_for_log("policy unavailable for WebSocket www.reddit.com")
        outage.restore()
    assert count_rows(pg_url, QuotaCharge) == 0


@pytest.mark.e2e
@pytest.mark.postgres
def test_without_the_ca_a_quota_tunnel_is_its_minute_and_is_not_opened_unclaimed(pg_url, nodes):
    with database_outage(pg_url) as (proxy_db, outage):
        node = nodes("a", proxy_db, MORNING, watercooler_no_ca="true")
        opened = https_via_proxy(node.port, "www.reddit.com", cafiles=[node.pki.ca_pem], auth=("alice", "any"))
        assert opened.status == 200 and opened.cert_fingerprint is not None      # the site's own certificate
        assert charges(pg_url) == 1
        outage.cut()
        with pytest.raises((ssl.SSLError, ConnectionError)):
            https_via_proxy(node.port, "www.reddit.com", cafiles=[node.pki.ca_pem], auth=("bob", "any"))
        assert len(node.https_origin.seen) == 1
        node.proxy.wait_for_log("policy unavailable for TLS ClientHello www.reddit.com")
        outage.restore()
    assert count_rows(pg_url, QuotaCharge, user_name="bob") == 0
