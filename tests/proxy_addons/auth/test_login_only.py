"""A login-only proxy (behind the remote endpoint) refuses every setting that would let a remote client in
unnamed or named by the endpoint's address; a real one answers 407 with its header, and identifies nobody by
address even where the rules' networks would match the endpoint's address."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from proxy_addons.auth.login_only import HEADER, check
from tests.support.proxy_clients import http_via_proxy, proxy_authorization
from tests.support.proxy_env import TEST_RULES, edited, start_env


def opts(**values):
    return SimpleNamespace(**{"watercooler_login_only": True, "proxyauth": "", "watercooler_auth": "",
                              "watercooler_users": None, **values})


@pytest.mark.parametrize("values, says", [
    ({}, "needs a proxy login"),
    ({"proxyauth": "any"}, "accepts any password"),
    ({"watercooler_auth": "panel", "watercooler_users": "/etc/users"}, "leave it unset"),
])
def test_settings_that_would_name_remote_clients_by_address_are_refused(values, says):
    with pytest.raises(ValueError, match=says):
        check(opts(**values))


def test_a_proxy_login_is_enough():
    check(opts(watercooler_auth="panel"))
    check(opts(proxyauth="@/etc/watercooler/users.htpasswd"))
    check(opts(watercooler_login_only=False))          # an office port: nothing to check


# The endpoint's own address is on an office network here: behind it, that must not count.
ON_THE_OFFICE_NETWORK = edited(TEST_RULES, "rules:\n", "networks:\n  office: [127.0.0.0/8]\nrules:\n"
                               "  - name: reddit-in-the-office\n    who: [network:office]\n    sites: [reddit]\n"
                               "    action: block\n")


@pytest.mark.e2e
def test_a_login_only_proxy_asks_everyone_to_sign_in_and_sees_no_address(tmp_path):
    env = start_env(tmp_path, ON_THE_OFFICE_NETWORK, {"proxyauth": "alice:pw", "watercooler_login_only": "true"})
    try:
        request = b"GET http://www.reddit.com/ HTTP/1.1\r\nHost: www.reddit.com\r\n"
        unnamed = http_via_proxy(env.port, request + b"\r\n")
        assert unnamed.status == 407 and unnamed.headers[HEADER.lower()] == "1"
        signed_in = "".join(f"{k}: {v}\r\n" for k, v in proxy_authorization(("alice", "pw")).items()).encode()
        seen = http_via_proxy(env.port, request + signed_in + b"\r\n")
        assert seen.status == 200 and b"origin page for www.reddit.com" in seen.body
    finally:
        env.stop()
