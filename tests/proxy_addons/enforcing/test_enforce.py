"""Requests decided one by one: blocked pages answered by the proxy, allowed ones reaching the site."""
from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.proxy_clients import https_via_proxy

pytestmark = pytest.mark.e2e


def curl(env, *args: str) -> str:
    """curl through the proxy; the answer (head and body) as text, line ends untouched."""
    done = subprocess.run(["curl", "-sS", "-i", "--max-time", "10", "-x", env.proxy.url, *args],
                          capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def test_a_blocked_plain_http_site_is_answered_without_contacting_it(origins):
    answer = curl(origins, "-H", "Accept: text/html", "http://www.facebook.com/some/page?q=1")
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 403")
    assert "Cache-Control: no-store" in head and "Content-Security-Policy: default-src 'none'" in head
    assert "X-Watercooler-Reason: Facebook is closed to you now" in head
    assert "Facebook is closed right now" in body
    assert "today at 12:00" in body                                     # when it opens, in Berlin time
    assert "Facebook opens at lunch &lt;b&gt;for everyone&lt;/b&gt;." in body   # the message, escaped
    assert "Your colleagues are on Company forum" in body
    assert "requests/new" not in body and "ask the person you are visiting" in body   # anonymous: no sign-in
    assert "<script" not in body
    assert origins.http_origin.seen == []


def test_an_allowed_plain_http_site_is_fetched(origins):
    answer = curl(origins, "http://www.example.org/hello")
    assert answer.startswith("HTTP/1.1 200") and "origin page for www.example.org GET /hello" in answer
    assert [s.path for s in origins.http_origin.seen] == ["/hello"]


def test_bundle_hosts_are_decided_like_their_site(origins):
    assert curl(origins, "http://static.fbcdn.net/pic.jpg").startswith("HTTP/1.1 403")
    assert origins.http_origin.seen == []


def test_read_only_lets_reading_through_and_stops_posting(origins):
    cafiles = [origins.pki.ca_pem, origins.proxy.ca_pem]
    read = https_via_proxy(origins.port, "www.linkedin.com", "/feed", cafiles=cafiles)
    assert read.status == 200 and "origin page for www.linkedin.com GET /feed" in read.text
    assert "CN=Watercooler CA" in read.cert_issuer                      # intercepted: decided per request

    post = https_via_proxy(origins.port, "www.linkedin.com", "/post", cafiles=cafiles, method="POST",
                           body=b"text=hello", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert post.status == 403
    assert "Posting on LinkedIn is closed right now" in post.text

    api = https_via_proxy(origins.port, "www.linkedin.com", "/api/like", cafiles=cafiles, method="DELETE",
                          headers={"Accept": "application/json"})
    assert api.status == 403 and api.headers["content-type"] == "application/json"
    payload = json.loads(api.body)
    assert payload["error"] == "read-only" and payload["site"] == "linkedin"
    assert [(s.method, s.path) for s in origins.https_origin.seen] == [("GET", "/feed")]


def test_a_plain_http_post_to_a_read_only_site_is_refused(origins):
    answer = curl(origins, "-X", "PUT", "-d", "x=1", "http://www.linkedin.com/profile")
    assert answer.startswith("HTTP/1.1 403") and "Posting on LinkedIn is closed right now" in answer
    assert origins.http_origin.seen == []
