"""A read on a read-only site is judged on what it does: a named method or a body makes it a write."""
from __future__ import annotations

import pytest
from mitmproxy.test import tutils

from proxy_addons.enforcing.writes import carries_body, judged_method
from tests.support.proxy_clients import h2_via_proxy, http_via_proxy, https_via_proxy

PROXY_PROGRAMS = ("watercooler", "mitmdump")


def request(method="GET", path="/feed", content: bytes | None = b"", **headers):
    return tutils.treq(method=method.encode(), path=path.encode(), content=content,
                       headers=tuple((k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()))


def test_a_plain_read_is_itself():
    assert judged_method(request()) == "GET"
    assert judged_method(request(path="/settings/payment_methods?tab=1")) == "GET"   # looked at, not a write
    assert judged_method(request(path="/notes/_method=POST")) == "GET"                # a path, not a query
    assert judged_method(request("HEAD", X_HTTP_Method_Override="GET")) == "HEAD"


@pytest.mark.parametrize("header", ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"])
def test_every_override_header_is_heard(header):
    assert judged_method(request(**{header.replace("-", "_"): "post"})) == "POST"


@pytest.mark.parametrize("path, judged", [
    ("/feed?_method=POST", "POST"), ("/feed?a=1&_method=delete", "DELETE"), ("/feed?%5Fmethod=PUT", "PUT"),
    ("/feed?_method=GET", "GET"), ("/feed?_methods=POST", "GET"),
])
def test_the_method_parameter_is_heard(path, judged):
    assert judged_method(request(path=path)) == judged


def test_a_write_is_judged_as_itself():
    assert judged_method(request("POST", X_HTTP_Method_Override="GET")) == "POST"


def test_a_body_is_seen_in_the_headers_before_it_arrives_and_in_the_content_after():
    assert carries_body(request(content=None, Content_Length="12"))
    assert carries_body(request(content=None, Transfer_Encoding="chunked"))
    assert carries_body(request(content=None, Content_Length="twelve"))
    assert carries_body(request(content=b"x"))                          # HTTP/2: a body without a length
    assert not carries_body(request(content=None, Content_Length="0"))
    assert not carries_body(request(content=None))                       # request headers only, no body
    assert judged_method(request(content=b"text=hi")) == "GET with a body"


# --- through the real proxy to a real origin --------------------------------------------------------
def linkedin(origins, path="/feed", method="GET", headers=None, body=b""):
    return https_via_proxy(origins.port, "www.linkedin.com", path, cafiles=[origins.pki.ca_pem, origins.proxy.ca_pem],
                           method=method, headers=headers, body=body)


@pytest.mark.e2e
@pytest.mark.parametrize("path, headers, body", [
    ("/feed", {"X-HTTP-Method-Override": "POST"}, b""),
    ("/feed", {"X-HTTP-Method": "DELETE"}, b""),
    ("/feed", {"X-Method-Override": "PUT"}, b""),
    ("/feed?_method=POST", {}, b""),
    ("/feed", {}, b"text=hello"),
    ("/feed", {"X-HTTP-Method-Override": "POST"}, b"text=hello"),
], ids=["x-http-method-override", "x-http-method", "x-method-override", "_method", "body", "override-and-body"])
def test_a_read_that_writes_never_reaches_a_read_only_site(origins, path, headers, body):
    refused = linkedin(origins, path, headers=headers, body=body)
    assert refused.status == 403 and "Posting on LinkedIn is closed right now" in refused.text
    assert origins.https_origin.seen == []


@pytest.mark.e2e
def test_reading_a_read_only_site_still_works(origins):
    assert linkedin(origins, headers={"X-HTTP-Method-Override": "GET"}).status == 200
    assert linkedin(origins, "/feed?_method=get").status == 200
    assert linkedin(origins, method="OPTIONS").status == 200
    assert [(s.method, s.path) for s in origins.https_origin.seen] == [
        ("GET", "/feed"), ("GET", "/feed?_method=get"), ("OPTIONS", "/feed")]


@pytest.mark.e2e
def test_a_chunked_get_over_plain_http_is_refused_and_elsewhere_overrides_are_none_of_our_business(origins):
    chunked = http_via_proxy(origins.port, b"GET http://www.linkedin.com/feed HTTP/1.1\r\nHost: www.linkedin.com\r\n"
                                           b"Accept: application/json\r\nTransfer-Encoding: chunked\r\n"
                                           b"Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert chunked.status == 403 and b'"error": "read-only"' in chunked.body
    assert origins.http_origin.seen == []
    allowed = http_via_proxy(origins.port, b"GET http://www.example.org/feed?_method=POST HTTP/1.1\r\n"
                                           b"Host: www.example.org\r\nX-HTTP-Method-Override: POST\r\n"
                                           b"Connection: close\r\n\r\n")
    assert allowed.status == 200 and [s.path for s in origins.http_origin.seen] == ["/feed?_method=POST"]


@pytest.mark.e2e
def test_an_http2_read_whose_body_no_header_announces_never_reaches_a_read_only_site(origins):
    base = [(":method", "GET"), (":scheme", "https"), (":authority", "www.linkedin.com"), (":path", "/feed")]
    cafiles = [origins.proxy.ca_pem]
    assert h2_via_proxy(origins.port, "www.linkedin.com", base, cafiles=cafiles, body=b"text=hello") == 403
    assert origins.https_origin.seen == []
    assert h2_via_proxy(origins.port, "www.linkedin.com", base, cafiles=cafiles) == 200      # a plain read
