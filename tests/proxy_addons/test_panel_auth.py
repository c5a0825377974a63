"""Proxy logins with the panel's accounts: one password, checked off the event loop, never kept."""
from __future__ import annotations

import base64

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import proxyauth
from mitmproxy.test import taddons
from sqlalchemy import select
from sqlalchemy.orm import Session

from proxy_addons import options
from proxy_addons.panel_auth import FAILURE_WINDOW_S, FAILURES_ALLOWED, FailureThrottle, PanelAuth
from storage.accounts import find_user, new_user
from storage.audit import AuditRecord
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.proxy_clients import http_via_proxy, https_via_proxy
from tests.support.proxy_env import start_env


class WatercoolerOptions:
    """Declares the options Watercooler's main addon owns (watercooler_db among them)."""
    def load(self, loader):
        options.declare(loader)


def test_panel_logins_need_the_panels_database_and_exclude_proxyauth(tmp_path):
    auth = PanelAuth()
    with taddons.context(proxyauth.ProxyAuth(), auth, WatercoolerOptions()) as tctx:
        with pytest.raises(exceptions.OptionsError, match="watercooler_auth=panel needs watercooler_db"):
            tctx.configure(auth, watercooler_auth="panel")
        with pytest.raises(exceptions.OptionsError, match="either proxyauth or watercooler_auth=panel"):
            tctx.configure(auth, watercooler_auth="panel", watercooler_db=f"sqlite:///{tmp_path}/w.db",
                           proxyauth="any")


def test_repeated_failures_for_a_name_stop_the_checks_until_the_window_moves_on():
    now = [0.0]
    throttle = FailureThrottle(now=lambda: now[0])
    for _ in range(FAILURES_ALLOWED):
        assert not throttle.blocked("alice")
        throttle.failed("alice")
    assert throttle.blocked("alice") and not throttle.blocked("carol")
    now[0] = FAILURE_WINDOW_S + 1
    assert not throttle.blocked("alice")


def plain_get(host: str, credentials: str | None = None) -> bytes:
    login = f"Proxy-Authorization: Basic {base64.b64encode(credentials.encode()).decode()}\r\n" if credentials else ""
    return f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\n{login}Connection: close\r\n\r\n".encode()


@pytest.fixture(scope="module")
def panel_env(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("panel-auth")
    url = f"sqlite:///{workdir}/watercooler.db"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db:
        db.add_all([new_user("carol", "employee", "carol-password"), new_user("alice", "employee", "alice-password")])
        db.commit()
    # No login cache, so a disabled account is refused on its very next request.
    env = start_env(workdir, options={"watercooler_auth": "panel", "watercooler_db": url,
                                      "watercooler_auth_cache": "0"})
    yield env, engine
    env.stop()
    engine.dispose()


@pytest.mark.e2e
def test_panel_accounts_select_each_persons_rules(panel_env):
    env, _ = panel_env
    cafiles = [env.pki.ca_pem, env.proxy.ca_pem]
    carol = https_via_proxy(env.port, "www.facebook.com", cafiles=cafiles, auth=("carol", "carol-password"))
    assert carol.status == 200 and carol.cert_fingerprint == env.pki.fingerprint     # comms: tunnelled
    alice = https_via_proxy(env.port, "www.facebook.com", cafiles=cafiles, auth=("alice", "alice-password"))
    assert alice.status == 403 and "Facebook is closed right now" in alice.text
    plain = http_via_proxy(env.port, plain_get("www.facebook.com", "carol:carol-password"))
    assert plain.status == 200


@pytest.mark.e2e
def test_wrong_missing_or_disabled_logins_get_407_and_no_password_is_logged(panel_env):
    env, engine = panel_env
    wrong = http_via_proxy(env.port, plain_get("www.example.org", "alice:guess"))
    assert wrong.status == 407 and b"panel account" in wrong.body
    assert wrong.headers["proxy-authenticate"] == 'Basic realm="Watercooler"'
    assert http_via_proxy(env.port, plain_get("www.example.org")).status == 407
    assert http_via_proxy(env.port, plain_get("www.example.org", "alice:alice-password")).status == 200
    with Session(engine) as db:
        find_user(db, "alice").active = False
        db.commit()
    assert http_via_proxy(env.port, plain_get("www.example.org", "alice:alice-password")).status == 407
    log = env.proxy.log()
    assert "auth=panel" in log
    assert "alice-password" not in log and "carol-password" not in log and "guess" not in log


@pytest.mark.e2e
def test_failed_proxy_logins_reach_the_audit_once_per_burst(panel_env):
    env, engine = panel_env
    for n in range(6):
        assert http_via_proxy(env.port, plain_get("www.example.org", f"carol:guess {n}")).status == 407
    assert http_via_proxy(env.port, plain_get("www.example.org", "carol:carol-password")).status == 200

    def carols_records():
        with Session(engine) as db:
            return [(r.action, r.source, r.after["why"]) for r in
                    db.scalars(select(AuditRecord).where(AuditRecord.target == "account:carol"))]

    assert carols_records() == [("proxy sign-in failed", "127.0.0.1", "wrong name or password")]
    # The name reaches the policy, whose lists are exact: another spelling is not carol's login.
    assert http_via_proxy(env.port, plain_get("www.example.org", "Carol:carol-password")).status == 407
    assert "guess" not in repr(carols_records())
