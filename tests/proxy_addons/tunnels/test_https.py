"""HTTPS decided before decryption: allowed sites tunnelled untouched, the rest intercepted for a page."""
from __future__ import annotations

import socketserver
import ssl
import threading

import pytest

from tests.support.net import closed, poll
from tests.support.proxy_clients import https_via_proxy, open_tunnel
from tests.support.proxy_env import TEST_RULES, start_env, write_rules

PROXY_PROGRAMS = ("watercooler", "mitmdump")


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


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.mark.e2e
def test_a_raw_stream_is_closed_when_new_rules_withdraw_its_allow(tmp_path):
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo) as echo:
        echo.daemon_threads = True
        threading.Thread(target=echo.serve_forever, daemon=True).start()
        env = start_env(tmp_path, program="watercooler",
                        options={"watercooler_map_hosts": f"*:2222=127.0.0.1:{echo.server_address[1]}"})
        try:
            sock, status, _ = open_tunnel(env.port, "www.example.org", 2222)
            assert status == 200
            sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")      # not TLS, not HTTP: relayed as a raw stream
            assert sock.recv(100) == b"SSH-2.0-OpenSSH_9.6\r\n"
            offset = len(env.proxy.log())
            write_rules(env.rules, TEST_RULES.replace(
                "  - name: linkedin-read-only\n",
                "  - name: no-example\n    sites: [domain:example.org]\n    action: block\n"
                "  - name: linkedin-read-only\n"))
            poll(lambda: closed(sock), timeout=10, what="the raw stream to www.example.org to be closed")
            assert "the policy changed for www.example.org" in env.proxy.log()[offset:]
            sock.close()
        finally:
            env.stop()
            echo.shutdown()


# --- connections to a bare address: nothing in the handshake says which site they reach ---------------
def via_address(env, host_header: str, user: str | None = None, cafiles=None):
    """CONNECT 127.0.0.1:ORIGIN-PORT, no SNI, then one request whose Host names `host_header`."""
    return https_via_proxy(env.port, host_header, cafiles=cafiles or [env.proxy.ca_pem], sni="",
                           connect_host="127.0.0.1", connect_port=env.https_origin.port,
                           auth=(user, "pw") if user else None)


@pytest.mark.e2e
@pytest.mark.parametrize("program", ["watercooler", "mitmdump"])
def test_with_the_ca_a_bare_address_is_intercepted_and_each_request_decided_on_its_host(tmp_path, program):
    env = start_env(tmp_path, program=program, options={"proxyauth": "any"})
    try:
        blocked = via_address(env, "www.facebook.com", "alice")
        assert blocked.status == 403 and "Facebook is closed right now" in blocked.text
        assert "CN=Watercooler CA" in blocked.cert_issuer                 # intercepted, not tunnelled
        assert env.https_origin.accepted == 0                              # and the address never contacted
        # carol's team may use Facebook: her request goes to the site it names, decided as that site.
        allowed = via_address(env, "www.facebook.com", "carol")
        assert allowed.status == 200 and "origin page for www.facebook.com GET /" in allowed.text
        assert "CN=Watercooler CA" in allowed.cert_issuer
        assert "origin page for www.example.org" in via_address(env, "www.example.org", "alice").text
    finally:
        env.stop()


def hello_with_address_as_sni() -> bytes:
    """A ClientHello naming 157.240.101.135 as its SNI (Python never sends an address there; some clients do)."""
    return client_hello_bytes("www.example.xyz").replace(b"www.example.xyz", b"157.240.101.135")


@pytest.mark.e2e
def test_an_address_as_sni_never_tunnels_a_connection_to_an_address(origins):
    sock, status, _ = open_tunnel(origins.port, "127.0.0.1", origins.https_origin.port)
    assert status == 200
    sock.sendall(hello_with_address_as_sni())
    assert sock.recv(5)[:1] == b"\x16"                   # the proxy's own ServerHello: intercepted
    sock.close()
    assert origins.https_origin.accepted == 0              # the address was not contacted
    # The same handshake in a CONNECT to a plainly allowed name is tunnelled on that name.
    sock, status, _ = open_tunnel(origins.port, "www.example.org")
    sock.sendall(hello_with_address_as_sni())
    poll(lambda: origins.https_origin.accepted == 1, what="the tunnel to www.example.org to reach the origin")
    sock.close()


@pytest.mark.e2e
@pytest.mark.parametrize("program", ["watercooler", "mitmdump"])
def test_without_the_ca_a_bare_address_is_open_only_to_people_no_rule_limits(tmp_path, program):
    env = start_env(tmp_path, program=program, options={"proxyauth": "any", "watercooler_no_ca": "true"})
    try:
        for address in ("127.0.0.1", "[::1]", "2130706433"):          # IPv4, IPv6, IPv4 spelt as a number
            sock, status, head = open_tunnel(env.port, address, env.https_origin.port, auth=("alice", "pw"))
            sock.close()
            assert status == 403 and b"does not say which site it is" in head, (address, head)
        assert env.https_origin.accepted == 0
        # carol: no rule limits her, so nothing she could reach this way is closed to her by name.
        seen = via_address(env, "www.facebook.com", "carol", cafiles=[env.pki.ca_pem])
        assert seen.status == 200 and "origin page for www.facebook.com" in seen.text
        assert seen.cert_fingerprint == env.pki.fingerprint               # tunnelled: the origin's own
    finally:
        env.stop()


@pytest.mark.e2e
def test_the_unnamed_setting_decides_bare_addresses_without_the_ca_and_a_change_closes_open_ones(tmp_path):
    env = start_env(tmp_path, options={"proxyauth": "any", "watercooler_no_ca": "true"}, program="watercooler")

    def connect(user: str):
        """A TLS connection to the address (no SNI) through the proxy, or None when CONNECT is refused."""
        sock, status, head = open_tunnel(env.port, "127.0.0.1", env.https_origin.port, auth=(user, "pw"))
        if status != 200:
            sock.close()
            assert status == 403 and b"does not say which site it is" in head
            return None
        context = ssl.create_default_context(cafile=str(env.pki.ca_pem))
        context.check_hostname = False
        return context.wrap_socket(sock)          # the origin's own certificate: tunnelled

    def reload(setting: str) -> None:
        offset = len(env.proxy.log())
        write_rules(env.rules, TEST_RULES.replace("default: allow", f"default: allow\nunnamed: {setting}"))
        env.proxy.wait_for_log("rules reloaded from", after=offset)

    try:
        carols = connect("carol")                 # the default, unrestricted: no rule limits carol
        assert carols is not None and connect("alice") is None
        reload("block")                           # nobody: carol's open connection is closed too
        poll(lambda: closed(carols), timeout=10, what="carol's open connection to the address to be closed")
        assert connect("carol") is None
        assert "the policy changed for 127.0.0.1" in env.proxy.log()
        reload("{allow: [user:alice]}")           # only alice, limited as she is
        alices = connect("alice")
        assert alices is not None and connect("carol") is None
        alices.close()
        reload("allow")                           # everybody
        assert all(connect(user) is not None for user in ("alice", "carol", "dan"))
        assert env.https_origin.accepted == 5     # carol, alice, then the three: the refused never reached it
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

    from proxy_addons.tunnels.connections import ClientState

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
    from proxy_addons.auth.identity import Who
    from proxy_addons.tunnels.connections import Connections
    from proxy_addons.tunnels.https import TunnelDecider
    from tests.proxy_addons.enforcing.test_deciding import decider

    d = decider(tmp_path)
    connections = Connections(lambda moment: 60.0)
    data = hello_data(connections, Who("alice", "127.0.0.1"), sni, connect_host)
    TunnelDecider(d, d.counter, connections).client_hello(data)
    assert data.ignore_connection is tunnelled


@pytest.mark.parametrize("no_ca, user, tunnelled", [
    (False, "carol", False),     # with the CA: intercepted, so each request is decided on its own host
    (True, "carol", True),       # without it: `unnamed` (default: unrestricted) lets carol's team through
    (True, "alice", False),      # ...and nobody else
])
def test_a_connection_to_a_bare_address_is_never_tunnelled_on_the_address(tmp_path, no_ca, user, tunnelled):
    from proxy_addons.auth.identity import Who
    from proxy_addons.tunnels.connections import Connections
    from proxy_addons.tunnels.https import TunnelDecider
    from tests.proxy_addons.enforcing.test_deciding import decider

    d = decider(tmp_path)
    connections = Connections(lambda moment: 60.0)
    data = hello_data(connections, Who(user, "127.0.0.1"), "127.0.0.1", "127.0.0.1")
    assert data.client_hello.sni is None                    # an address is never sent as SNI
    TunnelDecider(d, d.counter, connections, no_ca).client_hello(data)
    assert data.ignore_connection is tunnelled
    assert bool(connections.get(data.context.client).held) is tunnelled   # re-decided if the policy changes


@pytest.mark.parametrize("connect_host, tunnelled", [
    ("www.example.org", True),       # decided on the CONNECT name: the address in the SNI names nothing
    ("www.facebook.com", False),     # ...so it cannot unblock a blocked name either
])
def test_an_address_as_sni_is_ignored(tmp_path, connect_host, tunnelled):
    from mitmproxy import tls
    from mitmproxy.proxy.layers.tls import parse_client_hello

    from proxy_addons.auth.identity import Who
    from proxy_addons.tunnels.connections import Connections
    from proxy_addons.tunnels.https import TunnelDecider
    from tests.proxy_addons.enforcing.test_deciding import decider

    d = decider(tmp_path)
    connections = Connections(lambda moment: 60.0)
    data = hello_data(connections, Who("alice", "127.0.0.1"), "www.example.xyz", connect_host)
    # Python never sends an address as SNI; some clients do. Same length, so every length field holds.
    raw = client_hello_bytes("www.example.xyz").replace(b"www.example.xyz", b"157.240.101.135")
    data = tls.ClientHelloData(data.context, parse_client_hello(raw))
    assert data.client_hello.sni == "157.240.101.135"
    TunnelDecider(d, d.counter, connections).client_hello(data)
    assert data.ignore_connection is tunnelled
