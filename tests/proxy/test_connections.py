"""A connection is only as good as the moment it was decided: at the boundary it is closed."""
from __future__ import annotations

import pytest

from tests.support.net import closed, poll
from tests.support.proxy_clients import https_via_proxy, keep_alive_tunnel
from tests.support.ws_client import WsClient

pytestmark = pytest.mark.e2e
# Lunch (social media allowed) ends at 13:00, four real seconds after the proxy starts.
PROXY_OPTIONS = {"watercooler_test_clock": "2026-11-26T12:59:00+01:00x15"}


def test_tunnels_and_websockets_allowed_until_a_boundary_are_closed_at_it(env):
    tunnel = keep_alive_tunnel(env.port, "www.facebook.com", env.pki.ca_pem)   # lunch: tunnelled, the origin's certificate
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
