"""Warn page → Continue → allowed; every abuse of the Continue token is refused with a clear page."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from proxy_addons.enforcing.continue_post import safe_next
from tests.support.proxy_clients import https_via_proxy
from tests.support.proxy_env import start_env

PROXY_OPTIONS = {"proxyauth": "any"}          # any password: the user name alone selects the rules
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("value, expected", [
    ("/watch?v=1", "/watch?v=1"), ("//evil.example/", "/"), ("/\\evil.example", "/"),
    ("https://evil.example/", "/"), ("", "/"), (None, "/"), ("/a\r\nSet-Cookie: x", "/"),
])
def test_continue_only_leads_back_to_the_same_site(value, expected):
    assert safe_next(value) == expected


def warn_page(env, user: str, host: str = "www.youtube.com", path: str = "/watch?v=1"):
    seen = https_via_proxy(env.port, host, path, cafiles=[env.proxy.ca_pem], auth=(user, "pw"))
    assert seen.status == 403 and "A moment before" in seen.text, seen.text[:300]
    token = html.unescape(re.search(r'name="token" value="([^"]+)"', seen.text).group(1))
    next_path = html.unescape(re.search(r'name="next" value="([^"]*)"', seen.text).group(1))
    return token, next_path


def post_continue(env, user: str, token: str, host: str = "www.youtube.com", next_path: str = "/"):
    body = urlencode({"token": token, "next": next_path}).encode()
    return https_via_proxy(env.port, host, "/.watercooler/continue", cafiles=[env.proxy.ca_pem], method="POST",
                           body=body, headers=FORM, auth=(user, "pw"))


@pytest.mark.e2e
def test_warn_then_continue_then_the_site_is_allowed(origins):
    token, next_path = warn_page(origins, "alice")
    assert next_path == "/watch?v=1"
    assert origins.https_origin.seen == []
    answer = post_continue(origins, "alice", token, next_path=next_path)
    assert answer.status == 303 and answer.headers["location"] == "/watch?v=1"
    page = https_via_proxy(origins.port, "www.youtube.com", "/watch?v=1", cafiles=[origins.proxy.ca_pem],
                           auth=("alice", "pw"))
    assert page.status == 200 and "origin page for www.youtube.com GET /watch?v=1" in page.text
    # Continuing is personal: someone else still gets the warn page.
    warn_page(origins, "bob")


@pytest.mark.e2e
def test_a_used_token_is_refused(origins):
    token, _ = warn_page(origins, "erin")
    assert post_continue(origins, "erin", token).status == 303
    again = post_continue(origins, "erin", token)
    assert again.status == 403 and "already been used" in again.text


@pytest.mark.e2e
def test_a_token_for_another_site_is_refused(origins):
    token, _ = warn_page(origins, "frank", host="www.youtube.com")
    elsewhere = post_continue(origins, "frank", token, host="vimeo.com")
    assert elsewhere.status == 403 and "for another site" in elsewhere.text
    warn_page(origins, "frank", host="vimeo.com")              # vimeo still warns


@pytest.mark.e2e
def test_a_token_for_another_user_is_refused(origins):
    token, _ = warn_page(origins, "grace")
    stolen = post_continue(origins, "mallory", token)
    assert stolen.status == 403 and "issued to someone else" in stolen.text
    assert post_continue(origins, "grace", token).status == 303   # the owner can still use it


@pytest.mark.e2e
def test_an_altered_token_is_refused(origins):
    token, _ = warn_page(origins, "heidi")
    body, mac = token.split(".")
    forged = body[:-3] + ("AAA" if body[-3:] != "AAA" else "BBB") + "." + mac
    altered = post_continue(origins, "heidi", forged)
    assert altered.status == 403 and "not valid" in altered.text
    assert "That didn&#39;t work" in altered.text or "That didn't work" in altered.text
    assert origins.https_origin.seen == []


@pytest.mark.e2e
def test_an_expired_token_is_refused_by_a_proxy_sharing_the_secret(origins, tmp_path):
    token, _ = warn_page(origins, "ivan")
    later = start_env(tmp_path, options={"proxyauth": "any", "watercooler_secret":
                                         str(origins.proxy.confdir / "watercooler-secret"),
                                         "watercooler_test_clock": "2026-11-26T10:11:00+01:00"})
    try:
        expired = post_continue(later, "ivan", token)
        assert expired.status == 403 and "expired" in expired.text
    finally:
        later.stop()


@pytest.mark.e2e
@pytest.mark.parametrize("body, headers, status, words", [
    ("&".join(f"f{i}=x" for i in range(11)).encode(), FORM, 400, "has more than 10 fields"),
    (b"token=" + b"a" * 9000, FORM, 413, "larger than 8 KB"),
    (b"token=\xff\xfe", FORM, 400, "is not UTF-8 text"),
    (b"\x1f\x8b\x08\x00", {**FORM, "Content-Encoding": "gzip"}, 415, "is compressed"),
])
def test_a_malformed_continue_form_is_bad_input_not_a_policy_failure(origins, body, headers, status, words):
    token, _ = warn_page(origins, "judy")
    answer = https_via_proxy(origins.port, "www.youtube.com", "/.watercooler/continue", cafiles=[origins.proxy.ca_pem],
                             method="POST", body=body.replace(b"token=", f"token={token}&".encode(), 1),
                             headers=headers, auth=("judy", "pw"))
    assert answer.status == status and words in answer.text and "Policy unavailable" not in answer.text
    assert origins.https_origin.seen == []
    warn_page(origins, "judy")                                  # nothing was continued
