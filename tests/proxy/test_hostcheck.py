import pytest
from mitmproxy.test import tflow, tutils

from proxy_addons.hostcheck import check_hosts


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
    ({"headers": (), "authority": "www.example.com"}, None, 400, ":authority names another host"),
    ({"sni": "www.example.com"}, None, 421, "TLS SNI"),
    ({}, "www.example.com", 421, "CONNECT"),
    ({"host": "bad host!", "headers": ()}, None, 400, "not a valid host"),
])
def test_disagreements_that_hide_the_host_are_refused(kwargs, connect, status, words):
    problem = check_hosts(flow(**kwargs), connect)
    assert problem is not None and problem.status == status and words in problem.reason
