import contextlib
import logging
import ssl

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from mitmproxy.addons import proxyserver
from mitmproxy.proxy import events
from mitmproxy.proxy.context import Context
from mitmproxy.proxy.layer import NextLayer
from mitmproxy.proxy.layers.tls import parse_client_hello
from mitmproxy.test import taddons, tflow, tutils
from mitmproxy.tls import ClientHelloData

from proxy_addons.addon import Watercooler
from proxy_addons.defences.failsafe import failsafe
from tests.support.proxy_env import write_rules


def test_an_error_fails_closed_by_default_and_is_logged(caplog):
    with caplog.at_level(logging.ERROR), failsafe("GET www.example.org", fail_open=False) as failed:
        raise RuntimeError("boom")
    assert failed.closed and not failed.open
    assert "policy unavailable for GET www.example.org: RuntimeError: boom" in caplog.text


def test_failing_open_is_a_warning_every_time(caplog):
    with caplog.at_level(logging.WARNING), failsafe("GET www.example.org", fail_open=True) as failed:
        raise RuntimeError("boom")
    assert failed.open and not failed.closed
    assert "FAIL-OPEN: letting GET www.example.org through undecided" in caplog.text


def test_no_error_is_neither():
    with failsafe("GET www.example.org", fail_open=False) as failed:
        pass
    assert not failed.closed and not failed.open


# --- never open, for every hook a request or connection passes ------------------------------------
# The property: whatever the request, the identity, the site and the hook at which deciding fails
# (the test fault, or any exception from the decider), what passes that hook is refused, never
# forwarded; a connection whose CONNECT or ClientHello could not be decided refuses everything after.
# End to end, through a real proxy with real origins: tests/proxy_addons/test_addon.py.

HOSTS = ["www.facebook.com", "www.example.org", "www.linkedin.com", "www.youtube.com", "www.reddit.com",
         "forum.corp.example", "static.fbcdn.net", "10.1.2.3", "unknown.example"]
STAGES = ["connect", "next_layer", "clienthello", "requestheaders", "request", "websocket"]
ERRORS = [RuntimeError, ValueError, KeyError, TypeError, OSError, AttributeError, ZeroDivisionError, UnicodeError]


@pytest.fixture
def tctx(tmp_path):
    addon = Watercooler()
    with taddons.context(proxyserver.Proxyserver(), addon) as context:
        context.configure(addon, confdir=str(tmp_path / "conf"), watercooler_rules=str(write_rules(tmp_path / "r")),
                          watercooler_test_clock="2026-11-26T10:00:00+01:00", stream_large_bodies="1k")
        yield context, addon


class Faults:
    """Makes deciding fail on demand: the `watercooler_test_fault` switch, or an exception at the decider."""

    def __init__(self, addon: Watercooler, kind) -> None:
        self.decider = addon.parts.decider
        self.kind = kind

    def set(self, failing: bool) -> None:
        self.decider.__dict__.pop("decide", None)
        self.decider.fault = failing and self.kind == "option"
        if failing and self.kind != "option":
            def decide(*args, **kwargs):
                raise self.kind("injected at the decider")
            self.decider.decide = decide


def client_hello_bytes(sni: str) -> bytes:
    """A real TLS ClientHello, as a browser sends it after CONNECT."""
    context = ssl.create_default_context()
    tls = context.wrap_bio(ssl.MemoryBIO(), outgoing := ssl.MemoryBIO(), server_hostname=sni)
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


requests = st.fixed_dictionaries({
    "method": st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]),
    "path": st.one_of(st.sampled_from(["/", "/.watercooler/continue", "/watch?v=1"]),
                      st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30).map("/".__add__)),
    "host_header": st.one_of(st.none(), st.sampled_from(HOSTS)),
    "length": st.one_of(st.none(), st.integers(0, 1 << 22)),
    "document": st.booleans(),
    "body": st.binary(max_size=200),
})


def http_request(client, host: str, port: int, scheme: str, spec: dict):
    headers = [(b"Host", (spec["host_header"] or host).encode())]
    if spec["document"]:
        headers.append((b"Sec-Fetch-Dest", b"document"))
    if spec["length"] is not None:
        headers.append((b"Content-Length", str(spec["length"]).encode()))
    flow = tflow.tflow(client_conn=client, req=tutils.treq(
        host=host, port=port, scheme=scheme.encode(), method=spec["method"].encode(), path=spec["path"].encode(),
        headers=tuple(headers), content=spec["body"]))
    return flow


def refused(flow) -> bool:
    return flow.response is not None and flow.response.status_code >= 400 and not flow.request.stream


def must_refuse(spec: dict, failing: set[str]) -> bool:
    """A request is decided at requestheaders; the warn page's Continue form, which needs its body, at request."""
    continue_form = spec["method"] == "POST" and spec["path"] == "/.watercooler/continue"
    return "requestheaders" in failing or (continue_form and "request" in failing)


def decide_request(addon, flow, faults, failing: set[str]) -> None:
    """requestheaders, then request, as mitmproxy calls them. Only a body streams before `request`, and only
    after a decision that did not fail."""
    faults.set("requestheaders" in failing)
    addon.requestheaders(flow)
    if flow.request.stream:
        assert "requestheaders" not in failing and flow.response is None
    faults.set("request" in failing)
    addon.request(flow)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.sampled_from(HOSTS), user=st.sampled_from([None, "alice", "carol"]), spec=requests,
       failing=st.sets(st.sampled_from(STAGES), min_size=1), kind=st.sampled_from(["option", *ERRORS]),
       no_ca=st.booleans())
def test_an_https_connection_never_passes_a_hook_whose_decision_failed(tctx, host, user, spec, failing, kind, no_ca):
    context, addon = tctx
    context.options.update(watercooler_no_ca=no_ca)
    faults = Faults(addon, kind)
    client = tflow.tclient_conn()
    client.sni = None
    # CONNECT
    connect = tflow.tflow(client_conn=client, req=tutils.treq(method=b"CONNECT", host=host, port=443, path=b"",
                                                             authority=f"{host}:443".encode(), headers=()))
    if user:
        connect.metadata["proxyauth"] = (user, "")
    faults.set("connect" in failing)
    addon.http_connect(connect)
    if connect.response is not None:
        assert connect.response.status_code >= 400                  # refused at CONNECT: nothing follows
        return
    dead = "connect" in failing                                     # every later step must refuse
    # The first bytes after CONNECT: the early tunnel (next_layer), then the TLS layer's ClientHello.
    hello = client_hello_bytes(host if not host[0].isdigit() else "www.example.org")
    ctx_ = Context(client, context.options)
    ctx_.server = tflow.tserver_conn()
    ctx_.server.address = (host, 443)
    nextlayer = NextLayer(ctx_)
    nextlayer.events.append(events.DataReceived(client, hello))
    faults.set("next_layer" in failing)
    addon.next_layer(nextlayer)
    if dead or "next_layer" in failing:
        assert nextlayer.layer is None                              # not tunnelled
    if nextlayer.layer is not None:
        return                                                      # a plain allow, decided: tunnelled
    data = ClientHelloData(ctx_, parse_client_hello(hello))
    faults.set("clienthello" in failing)
    addon.tls_clienthello(data)
    dead = dead or "clienthello" in failing
    if dead:
        assert not data.ignore_connection
    if data.ignore_connection:
        return
    # Intercepted: every request inside is decided on its own.
    client.sni = data.client_hello.sni
    flow = http_request(client, host, 443, "https", spec)
    flow.metadata["proxyauth"] = connect.metadata.get("proxyauth")
    decide_request(addon, flow, faults, failing)
    if dead or must_refuse(spec, failing):
        assert refused(flow), (flow.response, failing)
    # A WebSocket on it: every message is decided again.
    if flow.response is None:
        ws = tflow.twebsocketflow()
        ws.client_conn, ws.request = client, flow.request
        faults.set("websocket" in failing)
        addon.websocket_message(ws)
        if "websocket" in failing:
            assert ws.websocket.messages[-1].dropped


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.sampled_from(HOSTS), spec=requests, kind=st.sampled_from(["option", *ERRORS]),
       failing=st.sets(st.sampled_from(["requestheaders", "request"]), min_size=1))
def test_a_plain_http_request_never_passes_a_failed_decision(tctx, host, spec, kind, failing):
    _, addon = tctx
    client = tflow.tclient_conn()
    client.sni = None
    flow = http_request(client, host, 80, "http", spec)
    decide_request(addon, flow, Faults(addon, kind), failing)
    if must_refuse(spec, failing):
        assert refused(flow), (flow.response, failing)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=st.sampled_from(HOSTS), kind=st.sampled_from(["option", *ERRORS]), connect_fails=st.booleans())
def test_raw_tcp_in_a_tunnel_never_passes_a_failed_decision(tctx, host, kind, connect_fails):
    _, addon = tctx
    faults = Faults(addon, kind)
    client = tflow.tclient_conn()
    connect = tflow.tflow(client_conn=client, req=tutils.treq(method=b"CONNECT", host=host, port=443, path=b"",
                                                             authority=f"{host}:443".encode(), headers=()))
    faults.set(connect_fails)
    addon.http_connect(connect)
    faults.set(True)
    stream = tflow.ttcpflow(client_conn=client)
    stream.server_conn.error = None
    addon.tcp_start(stream)
    assert stream.server_conn.error                               # mitmproxy never opens the connection
