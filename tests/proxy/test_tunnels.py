"""HTTPS decided before decryption: allowed sites tunnelled untouched, the rest intercepted for a page."""
from __future__ import annotations

import ssl

import pytest

from tests.support.net import poll
from tests.support.proxy_clients import https_via_proxy, open_tunnel
from tests.support.proxy_env import start_env


@pytest.mark.e2e
def test_allowed_https_arrives_with_the_sites_own_certificate(origins):
    seen = https_via_proxy(origins.port, "www.example.org", "/news", cafiles=[origins.pki.ca_pem])
    assert seen.status == 200 and "origin page for www.example.org GET /news" in seen.text
    assert seen.cert_fingerprint == origins.pki.fingerprint             # not decrypted: the origin's own
    assert "Test origins CA" in seen.cert_issuer


@pytest.mark.e2e
def test_an_allowed_tunnel_cannot_be_checked_against_the_proxy_ca(origins):
    # Only the origin's CA is trusted here; a tunnel that was secretly intercepted would fail.
    with pytest.raises(ssl.SSLCertVerificationError):
        https_via_proxy(origins.port, "www.example.org", cafiles=[origins.proxy.ca_pem])


@pytest.mark.e2e
def test_blocked_https_gets_the_block_page_signed_by_the_proxy_ca(origins):
    seen = https_via_proxy(origins.port, "www.facebook.com", "/", cafiles=[origins.proxy.ca_pem])
    assert seen.status == 403 and "Facebook is closed right now" in seen.text
    assert seen.cert_fingerprint != origins.pki.fingerprint and "CN=Watercooler CA" in seen.cert_issuer
    assert origins.https_origin.accepted == 0                          # the site was never contacted


@pytest.mark.e2e
def test_non_http_traffic_to_a_blocked_host_is_not_relayed(origins):
    sock, status, _ = open_tunnel(origins.port, "www.facebook.com", 443)
    assert status == 200
    sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    sock.settimeout(5)
    assert sock.recv(100) == b""                                       # closed without an answer
    sock.close()
    assert origins.https_origin.accepted == 0
    # The same bytes to a plainly allowed host are relayed (the origin sees a connection).
    sock, status, _ = open_tunnel(origins.port, "www.example.org", 443)
    sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    poll(lambda: origins.https_origin.accepted == 1, what="the allowed raw stream to reach the origin")
    sock.close()


@pytest.mark.e2e
def test_without_the_ca_blocked_https_is_refused_at_connect_with_a_reason(tmp_path):
    env = start_env(tmp_path, options={"watercooler_no_ca": "true"})
    try:
        sock, status, head = open_tunnel(env.port, "www.facebook.com")
        sock.close()
        assert status == 403 and b"X-Watercooler-Reason: Facebook is closed to you now" in head
        warned = https_via_proxy(env.port, "www.youtube.com", cafiles=[env.pki.ca_pem])
        assert warned.status == 403                                    # no page possible: refused too
        readonly = https_via_proxy(env.port, "www.linkedin.com", cafiles=[env.pki.ca_pem])
        assert readonly.status == 200 and readonly.cert_fingerprint == env.pki.fingerprint   # tunnelled
        assert env.https_origin.seen_for("www.facebook.com") == []
        poll(lambda: "no_ca=True" in env.proxy.log(), what="the setting in the start line")
    finally:
        env.stop()


# --- the ClientHello fallback, decided without a network -------------------------------------------------
def client_hello_bytes(sni: str) -> bytes:
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    conn = context.wrap_bio(incoming, outgoing, server_hostname=sni)
    with pytest.raises(ssl.SSLWantReadError):
        conn.do_handshake()
    return outgoing.read()


def hello_data(connections, who, sni: str, connect_host: str):
    from mitmproxy import options, tls
    from mitmproxy.proxy.context import Context
    from mitmproxy.proxy.layers.tls import parse_client_hello
    from mitmproxy.test import tflow

    from proxy_addons.connections import ClientState

    context = Context(tflow.tclient_conn(), options.Options())
    context.server.address = (connect_host, 443)
    connections.remember(context.client, ClientState(who, connect_host))
    return tls.ClientHelloData(context, parse_client_hello(client_hello_bytes(sni)))


@pytest.mark.parametrize("sni, connect_host, tunnelled", [
    ("www.example.org", "www.example.org", True),        # a plain allow: never decrypted
    ("www.facebook.com", "www.facebook.com", False),     # blocked: intercepted for the page
    ("www.linkedin.com", "www.linkedin.com", False),     # read-only: every request must be seen
    ("www.facebook.com", "www.example.org", False),      # SNI and CONNECT disagree
])
def test_the_client_hello_decides_tunnel_or_intercept(tmp_path, sni, connect_host, tunnelled):
    from proxy_addons.connections import Connections
    from proxy_addons.identity import Who
    from proxy_addons.tunnels import TunnelDecider
    from tests.proxy.test_deciding import decider

    d = decider(tmp_path)
    connections = Connections(lambda moment: 60.0)
    data = hello_data(connections, Who("alice", "127.0.0.1"), sni, connect_host)
    TunnelDecider(d, d.counter, connections).client_hello(data)
    assert data.ignore_connection is tunnelled
