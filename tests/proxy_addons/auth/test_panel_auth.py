"""Proxy logins with the panel's accounts: one password, checked off the event loop, never kept."""
from __future__ import annotations

import base64
import http.client
import socket

import pytest
from mitmproxy import exceptions
from mitmproxy.addons import proxyauth
from mitmproxy.test import taddons
from sqlalchemy import select
from sqlalchemy.orm import Session

from proxy_addons import options
from proxy_addons.auth.panel_auth import (
    ADDRESS_FAILURES_ALLOWED,
    FAILURE_WINDOW_S,
    FAILURES_ALLOWED,
    FailureThrottle,
    PanelAccounts,
    PanelAuth,
)
from storage.audit import AuditRecord
from storage.db import make_engine
from storage.migrate import upgrade
from storage.sign_in.accounts import find_user, new_user
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


def test_repeated_failures_for_a_name_from_an_address_stop_its_checks_until_the_window_moves_on():
    now = [0.0]
    throttle = FailureThrottle(now=lambda: now[0])
    for _ in range(FAILURES_ALLOWED):
        assert not throttle.blocked("alice", "10.0.0.9")
        throttle.failed("alice", "10.0.0.9")
    assert throttle.blocked("alice", "10.0.0.9") and throttle.blocked("Alice", "10.0.0.9")
    assert not throttle.blocked("carol", "10.0.0.9")
    assert not throttle.blocked("alice", "10.0.0.1")          # alice at her own desk is not locked out
    now[0] = FAILURE_WINDOW_S + 1
    assert not throttle.blocked("alice", "10.0.0.9")


def test_an_address_failing_for_many_names_waits_unless_addresses_name_nobody():
    throttle, behind_endpoint = FailureThrottle(), FailureThrottle(per_address=None)
    for n in range(ADDRESS_FAILURES_ALLOWED):
        for counting in (throttle, behind_endpoint):
            counting.failed(f"name{n}", "10.0.0.9")
    assert throttle.blocked("carol", "10.0.0.9") and not throttle.blocked("carol", "10.0.0.1")
    assert not behind_endpoint.blocked("carol", "10.0.0.9")   # every remote client has the endpoint's address
    assert behind_endpoint.address_failures("10.0.0.9") == ADDRESS_FAILURES_ALLOWED


def test_past_the_address_limit_further_names_share_one_audit_record(tmp_path):
    url = f"sqlite:///{tmp_path}/w.db"
    engine = make_engine(url)
    upgrade(engine)
    accounts = PanelAccounts(url)
    for n in range(30):       # behind the remote endpoint every name comes from its address
        accounts.report_failure(f"name{n}", "127.0.0.1", many_names=n >= ADDRESS_FAILURES_ALLOWED)
    accounts.close()
    with Session(engine) as db:
        targets = db.scalars(select(AuditRecord.target).order_by(AuditRecord.id)).all()
    engine.dispose()
    assert targets == [f"account:name{n}" for n in range(ADDRESS_FAILURES_ALLOWED + 1)]


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


def _from(address: str, port: int, raw_request: bytes) -> int:
    """The status of a plain-HTTP proxy request sent from `address` (another loopback address: another client)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(address, 0)) as sock:
        sock.sendall(raw_request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status


@pytest.mark.e2e
def test_a_stranger_guessing_through_the_proxy_does_not_lock_the_owner_out(panel_env):
    env, engine = panel_env
    with Session(engine) as db:
        db.add(new_user("dora", "employee", "dora-plum-kettle-9"))
        db.commit()
    stranger = "127.0.0.2"      # Linux answers the whole 127/8 on loopback: a second client address
    assert [_from(stranger, env.port, plain_get("www.example.org", f"dora:guess {n}"))
            for n in range(FAILURES_ALLOWED + 2)] == [407] * (FAILURES_ALLOWED + 2)
    right = plain_get("www.example.org", "dora:dora-plum-kettle-9")
    assert _from(stranger, env.port, right) == 407                     # that address waits, for dora
    assert _from("127.0.0.1", env.port, right) == 200                  # dora at her own desk does not
    with Session(engine) as db:
        records = [(r.action, r.source) for r in db.scalars(select(AuditRecord).where(
            AuditRecord.target == "account:dora"))]
    assert records == [("proxy sign-in failed", stranger)]
