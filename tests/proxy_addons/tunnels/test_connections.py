"""A connection is only as good as the moment it was decided: at the boundary it is closed, and when the
policy changes it is decided again."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.net import closed, poll
from tests.support.proxy_clients import https_via_proxy, keep_alive_tunnel
from tests.support.ws_client import WsClient

pytestmark = pytest.mark.e2e
# Lunch (social media allowed) ends at 13:00, four real seconds after the proxy starts.
PROXY_OPTIONS = {"watercooler_test_clock": "2026-11-26T12:59:00+01:00x15"}


def test_tunnels_and_websockets_allowed_until_a_boundary_are_closed_at_it(env):
    # lunch: tunnelled, with the origin's certificate
    tunnel = keep_alive_tunnel(env.port, "www.facebook.com", env.pki.ca_pem)
    websocket = WsClient(env.port, "www.instagram.com")
    assert websocket.status == 101
    websocket.send("still lunch?")
    assert websocket.receive() == "echo: still lunch?"

    poll(lambda: closed(tunnel), timeout=20, what="the tunnel to be closed at 13:00")
    assert websocket.receive() is None
    assert "its decision expired" in env.proxy.log()

    after = https_via_proxy(env.port, "www.facebook.com", cafiles=[env.proxy.ca_pem])
    assert after.status == 403 and "tomorrow at 12:00" in after.text
    tunnel.close()
    websocket.close()


@pytest.mark.parametrize("program", ["watercooler", "mitmdump"])
def test_tightened_rules_close_the_tunnels_and_websockets_they_no_longer_allow(tmp_path, program):
    from tests.support.proxy_env import TEST_RULES, start_env, write_rules

    env = start_env(tmp_path, program=program)                      # Thursday 10:00: Instagram is allowed
    try:
        # a plain tunnel, with the origin's certificate
        tunnel = keep_alive_tunnel(env.port, "www.instagram.com", env.pki.ca_pem)
        websocket = WsClient(env.port, "www.instagram.com")
        assert websocket.status == 101
        untouched = keep_alive_tunnel(env.port, "www.example.org", env.pki.ca_pem)
        write_rules(env.rules, TEST_RULES.replace(
            "  - name: linkedin-read-only\n",
            "  - name: no-instagram\n    sites: [instagram]\n    action: block\n  - name: linkedin-read-only\n"))
        poll(lambda: closed(tunnel), timeout=10, what="the open Instagram tunnel to be closed")
        assert websocket.receive() is None
        assert not closed(untouched)                                # still allowed: left open
        assert "the policy changed for www.instagram.com" in env.proxy.log()
        after = https_via_proxy(env.port, "www.instagram.com", cafiles=[env.proxy.ca_pem])
        assert after.status == 403 and "Instagram is closed right now" in after.text
        for sock in (tunnel, untouched, websocket):
            sock.close()
    finally:
        env.stop()


def test_a_grant_that_ends_or_is_taken_back_closes_the_tunnels_it_opened(tmp_path):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from storage.changes.access import Grant
    from tests.support.proxy_env import start_env

    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    # Thursday 10:00 in Berlin (09:00 UTC), a real second is 15: Facebook is blocked until lunch.
    env = start_env(tmp_path, options={"proxyauth": "any", "watercooler_db": url,
                                       "watercooler_test_clock": "2026-11-26T10:00:00+01:00x15"},
                    program="watercooler")
    engine = create_engine(url)
    try:
        def grant(ends: dict[str, datetime]) -> None:
            with Session(engine) as db:           # what the panel writes when a manager approves
                db.add_all(Grant(user_name=user, site="facebook", granted_by="mia",
                                 starts_at=datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc), expires_at=end)
                           for user, end in ends.items())
                db.commit()

        def visit(user: str):
            return https_via_proxy(env.port, "www.facebook.com", cafiles=[env.pki.ca_pem, env.proxy.ca_pem],
                                   auth=(user, "pw"))

        def tunnel(user: str):
            """A keep-alive connection verified against the origin's CA only: a plain tunnel, never intercepted."""
            assert visit(user).cert_fingerprint == env.pki.fingerprint
            return keep_alive_tunnel(env.port, "www.facebook.com", env.pki.ca_pem, auth=(user, "pw"))

        # ada's grant ends at 09:05 UTC, twenty real seconds after the start; ben's runs all day.
        grant({"ada": datetime(2026, 11, 26, 9, 5, tzinfo=timezone.utc),
               "ben": datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)})   # within the 8 h the rule allows
        poll(lambda: visit("ada").status == 200, timeout=8, interval=0.2, what="the grants to reach the proxy")
        ada = tunnel("ada")
        ben = tunnel("ben")
        reached = len(env.https_origin.seen_for("www.facebook.com"))
        with Session(engine) as db:               # the manager takes ben's grant back
            db.query(Grant).filter_by(user_name="ben").delete()
            db.commit()
        poll(lambda: closed(ben), timeout=8, what="ben's tunnel to be closed once his grant is taken back")
        assert not closed(ada)                    # hers still runs
        poll(lambda: closed(ada), timeout=30, what="ada's tunnel to be closed when her grant ends")
        log = env.proxy.log()
        assert "the policy changed for www.facebook.com" in log and "its decision expired" in log
        for user in ("ada", "ben"):
            after = https_via_proxy(env.port, "www.facebook.com", cafiles=[env.proxy.ca_pem], auth=(user, "pw"))
            assert after.status == 403 and "Facebook is closed right now" in after.text
        assert len(env.https_origin.seen_for("www.facebook.com")) == reached    # nothing once they ended
        ada.close()
        ben.close()
    finally:
        engine.dispose()
        env.stop()


AT = datetime(2026, 11, 26, 10, 0, tzinfo=timezone(timedelta(hours=1)))     # Thursday morning in Berlin


def held_connections(holds):
    """A Connections holding `holds` [(url, plain)] for alice, each on its own client; what it closed."""
    from mitmproxy.test import tflow

    from proxy_addons.auth.identity import Who
    from proxy_addons.tunnels.connections import Connections

    closed_now: list[tuple[str, str]] = []
    connections = Connections(lambda moment: 3600.0,
                              close=lambda client, why: closed_now.append((client.id, why)) or True)
    clients = {}
    for url, plain in holds:
        clients[url] = client = tflow.tclient_conn()
        connections.hold(client, Who("alice", "127.0.0.1"), url, None, plain=plain)
    return connections, clients, closed_now


def deciding_with(tmp_path, rules: str):
    """`decide(who, url, method, unnamed)` as the proxy's re-decision calls it, with these rules."""
    import policy
    from tests.support.proxy_env import write_rules

    new = policy.load(write_rules(tmp_path / "rules", rules))
    return lambda who, url, method, unnamed: new.decide(who.user, url, AT, method=method, client_ip=who.client_ip)


@pytest.mark.parametrize("replace, closes", [
    # Instagram now blocked: its tunnel and its intercepted connection both close.
    (("  - name: linkedin-read-only\n",
      "  - name: no-instagram\n    sites: [instagram]\n    action: block\n  - name: linkedin-read-only\n"),
     {"https://www.instagram.com:443/", "http://www.instagram.com:80/"}),
    # Instagram now on a budget: still allowed, but a tunnel cannot count minutes, so only the tunnel closes.
    (("  - name: linkedin-read-only\n",
      "  - name: insta-budget\n    sites: [instagram]\n    action: quota\n    quota: {minutes: 9}\n"
      "  - name: linkedin-read-only\n"), {"https://www.instagram.com:443/"}),
])
def test_a_new_policy_closes_exactly_the_connections_whose_allow_it_withdraws(tmp_path, replace, closes):
    from tests.support.proxy_env import TEST_RULES

    holds = [("https://www.instagram.com:443/", True), ("http://www.instagram.com:80/", False),
             ("https://www.example.org:443/", True)]
    connections, clients, closed_now = held_connections(holds)
    decide = deciding_with(tmp_path, TEST_RULES.replace(*replace))

    async def again():
        return connections.redecide(decide)
    assert asyncio.run(again()) == len(closes)
    assert {url for url, client in clients.items() if (client.id, "the policy changed for www.instagram.com")
            in closed_now} == closes
    assert connections.get(clients["https://www.example.org:443/"]).held     # still carried, still watched


def test_a_held_allow_that_now_ends_at_a_boundary_is_closed_then_and_a_failure_closes_at_once(tmp_path):
    from tests.support.proxy_env import TEST_RULES

    connections, clients, closed_now = held_connections([("https://www.example.org:443/", True)])
    client = clients["https://www.example.org:443/"]
    decide = deciding_with(tmp_path, TEST_RULES.replace(
        "  - name: linkedin-read-only\n",
        "  - name: example-at-lunch\n    sites: [domain:example.org]\n    when: [lunch]\n    action: allow\n"
        "  - name: linkedin-read-only\n"))

    async def again(decide):
        return connections.redecide(decide)
    assert asyncio.run(again(decide)) == 0
    assert connections.get(client).closes_at.isoformat() == "2026-11-26T12:00:00+01:00"   # lunch changes it

    def broken(*args):
        raise RuntimeError("no policy")
    assert asyncio.run(again(broken)) == 1
    assert closed_now == [(client.id, "the new policy could not decide it (RuntimeError)")]
