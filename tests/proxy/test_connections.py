"""A connection is only as good as the moment it was decided: at the boundary it is closed."""
from __future__ import annotations

import http.client
import socket
import ssl

import pytest

from tests.support.net import poll
from tests.support.proxy_clients import https_via_proxy, open_tunnel
from tests.support.ws_client import WsClient

pytestmark = pytest.mark.e2e
# Lunch (social media allowed) ends at 13:00, four real seconds after the proxy starts.
PROXY_OPTIONS = {"watercooler_test_clock": "2026-11-26T12:59:00+01:00x15"}


def keep_alive_tunnel(env, host: str) -> ssl.SSLSocket:
    sock, status, _ = open_tunnel(env.port, host)
    assert status == 200
    context = ssl.create_default_context(cafile=str(env.pki.ca_pem))
    tls = context.wrap_socket(sock, server_hostname=host)
    tls.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n\r\n".encode())
    response = http.client.HTTPResponse(tls)
    response.begin()
    assert response.status == 200 and b"origin page" in response.read()
    return tls


def closed(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ssl.SSLWantReadError):
        return False
    except (ssl.SSLError, OSError):
        return True


def test_tunnels_and_websockets_allowed_until_a_boundary_are_closed_at_it(env):
    tunnel = keep_alive_tunnel(env, "www.facebook.com")          # lunch: tunnelled, the origin's certificate
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
