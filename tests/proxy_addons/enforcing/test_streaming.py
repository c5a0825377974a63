"""stream_large_bodies: bodies stream only after the request is decided; refused ones never reach the site."""
from __future__ import annotations

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import proxyserver
from mitmproxy.proxy.layers.http import HttpResponseHeadersHook
from mitmproxy.test import taddons, tflow, tutils

from proxy_addons.addon import Watercooler
from tests.support.proxy_clients import http_via_proxy, https_via_proxy
from tests.support.proxy_env import write_rules

PROXY_OPTIONS = {"stream_large_bodies": "1m"}
PROXY_PROGRAMS = ("watercooler", "mitmdump")
LARGE = b"x" * (2 * 1024 * 1024)          # over the 1m limit
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def tctx(tmp_path):
    addon = Watercooler()
    with taddons.context(proxyserver.Proxyserver(), addon) as context:
        context.configure(addon, confdir=str(tmp_path / "conf"), watercooler_rules=str(write_rules(tmp_path / "r")),
                          watercooler_test_clock="2026-11-26T10:00:00+01:00", stream_large_bodies="1m")
        yield context, addon


def upload(host: str, length: int | None, method: bytes = b"POST"):
    """A plain-HTTP upload as mitmproxy hands it to requestheaders: headers only, body still to come."""
    headers = [(b"Host", host.encode())]
    headers.append((b"Content-Length", str(length).encode()) if length is not None
                   else (b"Transfer-Encoding", b"chunked"))
    flow = tflow.tflow(req=tutils.treq(host=host, port=80, method=method, path=b"/up", headers=tuple(headers),
                                       content=None))
    flow.client_conn.sni = None
    return flow


def test_mitmproxy_is_left_no_streaming_of_its_own(tctx):
    context, addon = tctx
    assert context.options.stream_large_bodies is None and addon.streaming.limit == 1024 * 1024


def test_only_allowed_large_or_chunked_bodies_stream(tctx):
    _, addon = tctx
    for length, streams in ((len(LARGE), True), (None, True), (100, False)):
        allowed = upload("www.example.org", length)
        addon.requestheaders(allowed)
        assert allowed.response is None and allowed.request.stream is streams, length
    for host in ("www.facebook.com", "www.linkedin.com"):      # blocked; read-only (POST refused)
        refused = upload(host, len(LARGE))
        refused.request.stream = True                           # even if something asked for it
        addon.requestheaders(refused)
        assert refused.response.status_code == 403 and refused.request.stream is False


def test_a_read_only_site_never_gets_a_streamed_body(tctx):
    _, addon = tctx
    announced = upload("www.linkedin.com", len(LARGE), method=b"GET")    # a read with a body writes
    addon.requestheaders(announced)
    assert announced.response.status_code == 403 and not announced.request.stream
    unannounced = upload("www.linkedin.com", 0, method=b"GET")           # judged again once it arrives
    del unannounced.request.headers["content-length"]
    unannounced.request.stream = True
    addon.requestheaders(unannounced)
    assert unannounced.response is None and not unannounced.request.stream


def test_large_responses_stream_and_the_proxys_own_pages_do_not(tctx):
    _, addon = tctx
    flow = upload("www.example.org", 0)
    flow.response = tutils.tresp(content=None, headers=((b"Content-Length", str(len(LARGE)).encode()),))
    addon.responseheaders(flow)
    assert flow.response.stream is True
    own = upload("www.facebook.com", 0)
    addon.requestheaders(own)
    addon.responseheaders(own)
    assert not own.response.stream


def test_mitmproxy_finds_a_response_hook_only_while_bodies_stream(tctx, tmp_path):
    context, addon = tctx
    flow = upload("www.example.org", 0)
    flow.response = tutils.tresp(content=None, headers=((b"Content-Length", str(len(LARGE)).encode()),))
    context.master.addons.trigger(HttpResponseHeadersHook(flow))      # as mitmproxy hands the event over
    assert flow.response.stream is True
    context.configure(addon, stream_large_bodies=None)
    quiet = upload("www.example.org", 0)
    quiet.response = tutils.tresp(content=None, headers=((b"Content-Length", str(len(LARGE)).encode()),))
    context.master.addons.trigger(HttpResponseHeadersHook(quiet))
    assert addon.streaming.limit is None and addon.responseheaders is None and not quiet.response.stream
    plain = Watercooler()                                # never configured to stream: no hook for mitmproxy
    assert plain.responseheaders is None


def test_a_bad_size_is_refused(tctx):
    context, addon = tctx
    with pytest.raises(exceptions.OptionsError):
        context.configure(addon, stream_large_bodies="lots")


def post_plain(env, url: str, host_header: str, body: bytes = LARGE) -> int:
    head = (f"POST {url} HTTP/1.1\r\nHost: {host_header}\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n").encode()
    return http_via_proxy(env.port, head + body).status


@pytest.mark.e2e
def test_the_proxy_says_it_took_streaming_over(env):
    assert "stream_large_bodies=1m: Watercooler streams bodies over 1m itself" in env.proxy.log()


@pytest.mark.e2e
def test_a_large_upload_to_a_blocked_site_reaches_nothing(origins):
    assert post_plain(origins, "http://www.facebook.com/up", "www.facebook.com") == 403
    tls = https_via_proxy(origins.port, "www.facebook.com", "/up", cafiles=[origins.proxy.ca_pem], method="POST",
                          body=LARGE, headers=FORM)
    assert tls.status == 403 and "Facebook is closed right now" in tls.text
    assert origins.http_origin.accepted == 0 and origins.https_origin.accepted == 0


@pytest.mark.e2e
def test_a_large_chunked_upload_to_a_blocked_site_reaches_nothing(origins):
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (LARGE[:1 << 20], LARGE[1 << 20:])) + b"0\r\n\r\n"
    answer = http_via_proxy(origins.port, b"POST http://www.facebook.com/up HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                          b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks)
    assert answer.status == 403
    assert origins.http_origin.accepted == 0


@pytest.mark.e2e
def test_a_large_post_to_a_read_only_site_reaches_nothing(origins):
    cafiles = [origins.pki.ca_pem, origins.proxy.ca_pem]
    post = https_via_proxy(origins.port, "www.linkedin.com", "/post", cafiles=cafiles, method="POST", body=LARGE,
                           headers=FORM)
    assert post.status == 403 and "Posting on LinkedIn is closed right now" in post.text
    assert origins.https_origin.seen == []


@pytest.mark.e2e
def test_a_large_upload_with_disagreeing_host_names_reaches_nothing(origins):
    # The request target is allowed, the Host header names a blocked site.
    assert post_plain(origins, "http://www.example.org/up", "www.facebook.com") == 400
    # Opened for LinkedIn (intercepted), then a request for another host on that connection.
    other = https_via_proxy(origins.port, "www.example.org", "/up", cafiles=[origins.pki.ca_pem, origins.proxy.ca_pem],
                            method="POST", body=LARGE, headers=FORM, connect_host="www.linkedin.com")
    assert other.status == 421
    assert origins.http_origin.accepted == 0 and origins.https_origin.seen == []


@pytest.mark.e2e
def test_a_large_upload_to_an_allowed_site_streams_through_whole(origins):
    mark = len(origins.proxy.log())
    assert post_plain(origins, "http://www.example.org/up", "www.example.org") == 200
    assert [len(seen.body) for seen in origins.http_origin.seen] == [len(LARGE)]
    assert "Streaming request to www.example.org" in origins.proxy.log()[mark:]
