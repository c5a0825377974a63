"""Proxy logins with directory passwords: the panel's directory settings, checked off the loop, and a
directory that stops refuses new logins (never lets anyone in) while remembered ones go on."""
from __future__ import annotations

import base64

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import proxyauth
from mitmproxy.test import taddons

from proxy_addons.auth.panel_auth import PanelAuth
from tests.proxy_addons.auth.test_panel_auth import WatercoolerOptions
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import start_env
from tests.support.slapd import password_of


def get(credentials: str | None = None) -> bytes:
    login = f"Proxy-Authorization: Basic {base64.b64encode(credentials.encode()).decode()}\r\n" if credentials else ""
    return f"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n{login}Connection: close\r\n\r\n".encode()


def test_directory_logins_need_the_directory_settings_and_exclude_proxyauth(monkeypatch):
    monkeypatch.delenv("WATERCOOLER_DIRECTORY_URL", raising=False)
    auth = PanelAuth()
    with taddons.context(proxyauth.ProxyAuth(), auth, WatercoolerOptions()) as tctx:
        with pytest.raises(exceptions.OptionsError, match="needs the directory settings: set WATERCOOLER_DIRECTORY_"):
            tctx.configure(auth, watercooler_auth="directory")
        monkeypatch.setenv("WATERCOOLER_DIRECTORY_URL", "ldap://dc1.corp.example")
        with pytest.raises(exceptions.OptionsError, match="WATERCOOLER_DIRECTORY_GROUP_BASE is not set"):
            tctx.configure(auth, watercooler_auth="directory")
        with pytest.raises(exceptions.OptionsError, match="either proxyauth or watercooler_auth=directory"):
            tctx.configure(auth, watercooler_auth="directory", proxyauth="any")


@pytest.mark.e2e
def test_directory_passwords_log_in_and_an_outage_refuses_only_new_logins(slapd, tmp_path, monkeypatch):
    for name, value in slapd.env().items():
        monkeypatch.setenv(name, value)
    env = start_env(tmp_path, options={"watercooler_auth": "directory"})
    try:
        emma = f"emma.schulz:{password_of('emma.schulz')}"
        assert http_via_proxy(env.port, get(emma)).status == 200
        wrong = http_via_proxy(env.port, get("emma.schulz:guess"))
        assert wrong.status == 407 and b"company directory account" in wrong.body
        assert http_via_proxy(env.port, get(f"Emma.Schulz:{password_of('emma.schulz')}")).status == 407   # exact name
        slapd.stop()
        assert http_via_proxy(env.port, get(emma)).status == 200            # remembered for watercooler_auth_cache
        assert http_via_proxy(env.port, get(f"noah.fischer:{password_of('noah.fischer')}")).status == 407
        env.proxy.wait_for_log("proxy logins cannot be checked: cannot reach the directory")
        assert password_of("emma.schulz") not in env.proxy.log()
    finally:
        env.stop()
