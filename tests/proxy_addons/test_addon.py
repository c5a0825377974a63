"""The addon as mitmproxy runs it: options, fail-closed deciding, WebSockets."""
from __future__ import annotations

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import proxyserver
from mitmproxy.test import taddons, tflow, tutils

from proxy_addons.addon import Watercooler
from tests.support.proxy_clients import http_via_proxy, https_via_proxy, open_tunnel
from tests.support.proxy_env import start_env, write_rules
from tests.support.ws_client import WsClient

PROXY_OPTIONS = {"watercooler_test_fault": "decide", "stream_large_bodies": "1m"}
LARGE = b"x" * (2 * 1024 * 1024)


@pytest.fixture
def tctx(tmp_path):
    addon = Watercooler()
    with taddons.context(proxyserver.Proxyserver(), addon) as context:
        context.configure(addon, confdir=str(tmp_path / "conf"), watercooler_rules=str(write_rules(tmp_path / "r")),
                          watercooler_test_clock="2026-11-26T10:00:00+01:00")
        yield context, addon


def plain_flow(host: str, method: str = "GET"):
    flow = tflow.tflow(req=tutils.treq(host=host, port=80, method=method.encode(), path=b"/",
                                       headers=((b"Host", host.encode()), (b"Accept", b"text/html"))))
    flow.client_conn.sni = None          # a plain-HTTP proxy request: no TLS
    return flow


def test_requests_are_decided_on_their_headers(tctx):
    _, addon = tctx
    blocked = plain_flow("www.facebook.com")
    addon.requestheaders(blocked)
    assert blocked.response.status_code == 403 and blocked.metadata["watercooler"] == "block"
    allowed = plain_flow("www.example.org")
    addon.requestheaders(allowed)
    assert allowed.response is None and allowed.metadata["watercooler"] == "allow"


def test_a_read_whose_body_shows_only_when_it_arrives_is_judged_again(tctx):
    _, addon = tctx
    read = plain_flow("www.linkedin.com")                     # read-only: reads pass at requestheaders
    read.request.content = None
    addon.requestheaders(read)
    assert read.response is None and not read.request.stream
    read.request.content = b"text=hello"                      # HTTP/2 may send a body it never announced
    addon.request(read)
    assert read.response.status_code == 403 and b"Posting on LinkedIn is closed right now" in read.response.content


def test_a_proxy_auth_answer_is_never_replaced(tctx):
    _, addon = tctx
    flow = plain_flow("www.facebook.com")
    flow.response = tutils.tresp(status_code=407)
    addon.requestheaders(flow)
    assert flow.response.status_code == 407


def test_eager_connections_are_switched_to_lazy(tctx):
    context, addon = tctx
    context.configure(addon, connection_strategy="eager")
    assert context.options.connection_strategy == "lazy"


@pytest.mark.parametrize("option, value, words", [
    ("watercooler_test_clock", "noon", "watercooler_test_clock"),
    ("watercooler_map_hosts", ["facebook.com=somewhere"], r"write HOST\[:PORT\]=IP:PORT"),
    ("watercooler_users", "/nonexistent/users.txt", "cannot read the user map"),
    ("watercooler_rules", "/nonexistent/rules", "not loaded"),
    ("watercooler_fail", "sometimes", "watercooler_fail"),
])
def test_bad_settings_are_refused_with_a_sentence(tctx, option, value, words):
    context, addon = tctx
    with pytest.raises(exceptions.OptionsError, match=words):
        context.configure(addon, **{option: value})


def test_an_error_while_deciding_answers_policy_unavailable(tctx):
    context, addon = tctx
    context.configure(addon, watercooler_test_fault="decide")
    flow = plain_flow("www.example.org")
    addon.requestheaders(flow)
    assert flow.response.status_code == 503 and b"Policy unavailable" in flow.response.content


@pytest.mark.e2e
def test_a_failing_decision_lets_nothing_through(origins):
    plain = http_via_proxy(origins.port, b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n"
                                         b"Connection: close\r\n\r\n")
    assert plain.status == 503 and b"Policy unavailable" in plain.body
    tls = https_via_proxy(origins.port, "www.example.org", cafiles=[origins.proxy.ca_pem])
    assert tls.status == 503 and tls.cert_fingerprint != origins.pki.fingerprint      # intercepted, not tunnelled
    assert origins.http_origin.seen == [] and origins.https_origin.accepted == 0
    assert "policy unavailable for GET www.example.org" in origins.proxy.log()


@pytest.mark.e2e
def test_a_failing_decision_lets_no_upload_websocket_or_raw_stream_through(origins):
    # Bodies over stream_large_bodies, by plain HTTP and inside an intercepted connection.
    upload = http_via_proxy(origins.port, b"POST http://www.example.org/up HTTP/1.1\r\nHost: www.example.org\r\n"
                                          b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(LARGE) + LARGE)
    assert upload.status == 503
    tls = https_via_proxy(origins.port, "www.example.org", "/up", cafiles=[origins.proxy.ca_pem], method="POST",
                          body=LARGE)
    assert tls.status == 503
    # A WebSocket is refused at its upgrade request.
    socket_ = WsClient(origins.port, "www.example.org")
    assert socket_.status == 503
    socket_.close()
    # Bytes that are neither TLS nor HTTP after CONNECT are never relayed.
    sock, status, _ = open_tunnel(origins.port, "www.example.org", 443)
    assert status == 200
    sock.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
    sock.settimeout(5)
    assert sock.recv(100) == b""
    sock.close()
    assert origins.http_origin.accepted == 0 and origins.https_origin.accepted == 0


@pytest.mark.e2e
def test_failing_open_must_be_asked_for_and_is_logged_loudly(tmp_path):
    env = start_env(tmp_path, options={"watercooler_test_fault": "decide", "watercooler_fail": "open"})
    try:
        plain = http_via_proxy(env.port, b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n"
                                         b"Connection: close\r\n\r\n")
        assert plain.status == 200
        log = env.proxy.log()
        assert "watercooler_fail=open: requests that cannot be decided are LET THROUGH" in log
        assert "FAIL-OPEN: letting GET www.example.org through" in log
    finally:
        env.stop()


@pytest.fixture(scope="module")
def ws_env(tmp_path_factory):
    env = start_env(tmp_path_factory.mktemp("ws"))
    yield env
    env.stop()


@pytest.mark.e2e
def test_websockets_to_blocked_sites_are_refused_before_the_upgrade(ws_env):
    ws_env.http_origin.clear()
    client = WsClient(ws_env.port, "www.facebook.com")
    assert client.status == 403 and b"Facebook is closed right now" in client.rejected_body
    client.close()
    assert ws_env.http_origin.seen == []


@pytest.mark.e2e
def test_websockets_to_allowed_sites_work(ws_env):
    client = WsClient(ws_env.port, "www.example.org")
    assert client.status == 101
    client.send("hello")
    assert client.receive() == "echo: hello"
    client.close()
