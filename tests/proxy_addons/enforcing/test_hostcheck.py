import pytest
from mitmproxy.test import tflow, tutils

from proxy_addons.enforcing.hostcheck import check_hosts


def flow(host="www.facebook.com", headers=(("Host", "www.facebook.com"),), authority="", sni=None):
    f = tflow.tflow(req=tutils.treq(host=host, port=443, scheme=b"https", authority=authority.encode(),
                                    headers=tuple((k.encode(), v.encode()) for k, v in headers)))
    f.client_conn.sni = sni
    return f


def test_agreeing_names_pass_in_every_spelling():
    assert check_hosts(flow(headers=(("Host", "WWW.Facebook.com.:443"),), sni="www.facebook.com"),
                       "www.facebook.com") is None
    assert check_hosts(flow(headers=()), None) is None


@pytest.mark.parametrize("kwargs, connect, status, words", [
    ({"headers": (("Host", "www.facebook.com"), ("Host", "www.example.com"))}, None, 400, "more than one Host"),
    ({"headers": (("Host", "www.example.com"),)}, None, 400, "Host header names another host"),
    ({"headers": (), "authority": "www.example.com"}, None, 400, "names another host than the request target"),
    ({"authority": "www.example.com"}, None, 400, ":authority and Host header name different hosts"),
    ({"headers": (("Host", "www.example.com"),)}, "www.facebook.com", 421, "CONNECT"),
    ({"sni": "www.example.com"}, None, 421, "TLS SNI"),
    ({}, "www.example.com", 421, "CONNECT"),
    ({"host": "bad host!", "headers": ()}, None, 400, "not a valid host"),
])
def test_disagreements_that_hide_the_host_are_refused(kwargs, connect, status, words):
    problem = check_hosts(flow(**kwargs), connect)
    assert problem is not None and problem.status == status and words in problem.reason


# --- end to end: the bypass forms, through a real proxy --------------------------------------------------
from tests.support.proxy_clients import h2_via_proxy, http_via_proxy, https_via_proxy  # noqa: E402


@pytest.mark.e2e
def test_two_host_headers_are_refused(origins):
    seen = http_via_proxy(origins.port, b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n"
                                        b"Host: www.facebook.com\r\nConnection: close\r\n\r\n")
    assert seen.status == 400
    assert origins.http_origin.seen == []


@pytest.mark.e2e
def test_an_absolute_form_url_that_disagrees_with_host_is_refused(origins):
    seen = http_via_proxy(origins.port, b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                        b"Connection: close\r\n\r\n")
    assert seen.status == 400 and "Host header names another host" in seen.headers["x-watercooler-reason"]
    assert origins.http_origin.seen == []


@pytest.mark.e2e
def test_an_sni_that_disagrees_with_connect_and_host_is_refused(origins):
    seen = https_via_proxy(origins.port, "www.example.org", cafiles=[origins.proxy.ca_pem], sni="www.facebook.com")
    assert seen.status == 421 and "TLS SNI" in seen.headers["x-watercooler-reason"]
    assert origins.https_origin.accepted == 0


@pytest.mark.e2e
def test_a_host_header_that_disagrees_with_the_intercepted_connection_is_misdirected(origins):
    cafiles = [origins.proxy.ca_pem]
    seen = https_via_proxy(origins.port, "www.linkedin.com", cafiles=cafiles, headers={"Host": "www.facebook.com"})
    assert seen.status == 421
    assert origins.https_origin.seen == []


@pytest.mark.e2e
def test_an_http2_authority_that_disagrees_with_host_is_refused(origins):
    base = [(":method", "GET"), (":scheme", "https"), (":path", "/"), (":authority", "www.linkedin.com")]
    assert h2_via_proxy(origins.port, "www.linkedin.com", base, cafiles=[origins.proxy.ca_pem]) == 200
    status = h2_via_proxy(origins.port, "www.linkedin.com", base + [("host", "www.facebook.com")],
                          cafiles=[origins.proxy.ca_pem])
    # mitmproxy's HTTP/2 stack resets such a stream itself (-1) before any hook; either way it is refused.
    assert status in (400, -1), status
    assert [s.host for s in origins.https_origin.seen] == ["www.linkedin.com"]


def test_inside_a_connect_to_a_bare_address_a_request_goes_to_the_host_it_names():
    f = flow(host="157.240.1.35", headers=(("Host", "www.facebook.com"),))
    assert check_hosts(f, "157.240.1.35") is None
    assert (f.request.host, f.request.port) == ("www.facebook.com", 443)     # decided, and sent, by that name
    f = flow(host="::1", headers=(("Host", "chat.corp.example:8443"),))
    assert check_hosts(f, "[::1]") is None and (f.request.host, f.request.port) == ("chat.corp.example", 8443)
    # a name in the SNI still has to agree with the request
    f = flow(host="157.240.1.35", headers=(("Host", "www.facebook.com"),), sni="www.example.org")
    assert check_hosts(f, "157.240.1.35").status == 421
    assert check_hosts(flow(host="157.240.1.35", headers=(("Host", "bad host!"),)), "157.240.1.35").status == 400


def test_an_address_as_sni_names_nothing_and_cannot_disagree():
    assert check_hosts(flow(sni="157.240.1.35"), "www.facebook.com") is None
    # ...while a CONNECT to a name still pins the host
    assert check_hosts(flow(headers=(("Host", "www.example.com"),)), "www.facebook.com").status == 421
