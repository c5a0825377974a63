"""Who is asking: proxy logins select each person's rules; fixed desktops are mapped by address."""
from __future__ import annotations

import base64
import hashlib

import pytest
from mitmproxy.test import tflow

from proxy_addons.auth.identity import Who, client_ip, identify
from proxy_addons.auth.ipmap import IpUserMap, load_ip_map
from tests.support.proxy_clients import http_via_proxy, https_via_proxy
from tests.support.proxy_env import start_env


def sha_entry(user: str, password: str) -> str:
    return f"{user}:{{SHA}}{base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()}"


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


def test_the_login_wins_over_the_address_map_and_passwords_are_not_kept(tmp_path):
    (tmp_path / "users").write_text("127.0.0.1 kiosk\n")
    users = load_ip_map(str(tmp_path / "users"))
    assert identify({"proxyauth": ("alice", "secret")}, ("127.0.0.1", 5000), users) == Who("alice", "127.0.0.1")
    assert identify({}, ("::ffff:127.0.0.1", 5000, 0, 0), users) == Who("kiosk", "127.0.0.1")
    anonymous = identify({}, ("10.1.1.1", 5000), IpUserMap())
    assert anonymous.user is None and anonymous.key == "ip:10.1.1.1"
    assert "secret" not in repr(identify({"proxyauth": ("alice", "secret")}, ("127.0.0.1", 1), users))
    assert client_ip(tflow.tclient_conn().peername) == "127.0.0.1"


@pytest.fixture(scope="module")
def auth_env(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("auth")
    htpasswd = workdir / "users.htpasswd"
    htpasswd.write_text(sha_entry("alice", "alice-pw") + "\n" + sha_entry("carol", "carol-pw") + "\n")
    env = start_env(workdir, options={"proxyauth": f"@{htpasswd}"})
    yield env
    env.stop()


@pytest.mark.e2e
def test_proxy_auth_selects_the_users_rules(auth_env):
    cafiles = [auth_env.pki.ca_pem, auth_env.proxy.ca_pem]
    carol = https_via_proxy(auth_env.port, "www.facebook.com", cafiles=cafiles, auth=("carol", "carol-pw"))
    assert carol.status == 200 and carol.cert_fingerprint == auth_env.pki.fingerprint   # comms: tunnelled
    alice = https_via_proxy(auth_env.port, "www.facebook.com", cafiles=cafiles, auth=("alice", "alice-pw"))
    assert alice.status == 403 and "Facebook is closed right now" in alice.text


@pytest.mark.e2e
def test_wrong_or_missing_credentials_get_407_and_passwords_never_reach_the_log(auth_env):
    wrong = https_via_proxy(auth_env.port, "www.example.org", cafiles=[auth_env.pki.ca_pem],
                            auth=("alice", "guess"))
    assert wrong.status == 407
    missing = http_via_proxy(auth_env.port, b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n"
                                            b"Connection: close\r\n\r\n")
    assert missing.status == 407
    plain = http_via_proxy(auth_env.port, b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                          b"Proxy-Authorization: Basic " + basic("carol", "carol-pw").encode()
                                          + b"\r\nConnection: close\r\n\r\n")
    assert plain.status == 200
    log = auth_env.proxy.log()
    assert "carol-pw" not in log and "alice-pw" not in log and "guess" not in log
    assert "proxyauth=htpasswd:" in log


@pytest.mark.e2e
def test_a_fixed_desktop_is_known_by_its_address(tmp_path):
    (tmp_path / "desktops.txt").write_text("127.0.0.0/8 carol   # the comms team's desk\n")
    env = start_env(tmp_path, options={"watercooler_users": str(tmp_path / "desktops.txt")})
    try:
        seen = http_via_proxy(env.port, b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\n"
                                        b"Connection: close\r\n\r\n")
        assert seen.status == 200 and b"origin page for www.facebook.com" in seen.body
    finally:
        env.stop()
