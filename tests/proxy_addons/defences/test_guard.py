"""The guard: when the Watercooler script is missing (a broken save), nothing gets through."""
from __future__ import annotations

import shutil
import time

import pytest
from mitmproxy.test import tflow, tutils

from proxy_addons.defences.guard import WatercoolerGuard
from tests.support.net import poll
from tests.support.proxy_clients import http_via_proxy
from tests.support.proxy_env import start_env
from tests.support.proxy_process import SCRIPT


def test_undecided_requests_and_connects_are_refused():
    guard = WatercoolerGuard()
    flow = tflow.tflow(req=tutils.treq())
    guard.request(flow)
    assert flow.response.status_code == 503
    connect = tflow.tflow(req=tutils.treq(method=b"CONNECT"))
    guard.http_connect(connect)
    assert connect.response.status_code == 503
    decided = tflow.tflow(req=tutils.treq())
    decided.metadata["watercooler"] = "allow"
    guard.request(decided)
    assert decided.response is None


def test_undecided_requests_are_refused_before_their_body_could_stream():
    guard = WatercoolerGuard()
    flow = tflow.tflow(req=tutils.treq())
    flow.request.stream = True
    guard.requestheaders(flow)
    assert flow.response.status_code == 503 and flow.request.stream is False
    decided = tflow.tflow(req=tutils.treq())
    decided.metadata["watercooler"] = "request"
    guard.requestheaders(decided)
    assert decided.response is None


def get(env, host: str):
    return http_via_proxy(env.port, f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                          .encode())


@pytest.mark.e2e
def test_a_script_saved_with_a_syntax_error_fails_closed_until_fixed(tmp_path):
    script = tmp_path / "watercooler.py"
    shutil.copy(SCRIPT, script)
    env = start_env(tmp_path, script=script)
    try:
        assert get(env, "www.example.org").status == 200
        offset = len(env.proxy.log())
        script.write_text(SCRIPT.read_text() + "\nthis is not python\n")
        env.proxy.wait_for_log("error in script", after=offset)
        env.http_origin.clear()
        refused = get(env, "www.example.org")
        assert refused.status == 503 and b"Policy unavailable" in refused.body
        assert env.http_origin.seen == []

        shutil.copy(SCRIPT, script)
        poll(lambda: get(env, "www.example.org").status == 200, timeout=10, interval=0.2,
             what="the fixed script to be loaded again")
        assert get(env, "www.facebook.com").status == 403
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_deleted_script_fails_closed_and_a_restored_one_is_loaded_again(tmp_path):
    script = tmp_path / "watercooler.py"
    shutil.copy(SCRIPT, script)
    env = start_env(tmp_path, script=script)
    try:
        assert get(env, "www.facebook.com").status == 403
        offset = len(env.proxy.log())
        script.unlink()
        env.proxy.wait_for_log(f"the Watercooler script {script} was removed", after=offset)
        env.http_origin.clear()
        refused = get(env, "www.example.org")
        assert refused.status == 503 and b"Policy unavailable" in refused.body
        assert env.http_origin.seen == []
        assert f"fix or restore the script {script}" in env.proxy.log()[offset:]

        shutil.copy(SCRIPT, script)
        poll(lambda: get(env, "www.example.org").status == 200, timeout=10, interval=0.2,
             what="the restored script to be loaded again")
        assert get(env, "www.facebook.com").status == 403
        assert "the Watercooler script" in env.proxy.log()[offset:] and "is back: loading it" in env.proxy.log()
    finally:
        env.stop()


@pytest.mark.e2e
def test_connections_opened_before_the_script_was_deleted_are_decided_again_once_it_is_back(tmp_path):
    from tests.support.net import closed
    from tests.support.proxy_clients import keep_alive_tunnel
    from tests.support.proxy_env import TEST_RULES, write_rules

    script = tmp_path / "watercooler.py"
    shutil.copy(SCRIPT, script)
    env = start_env(tmp_path, script=script)                 # Thursday 10:00: Instagram is allowed
    try:
        tunnel = keep_alive_tunnel(env.port, "www.instagram.com", env.pki.ca_pem)
        untouched = keep_alive_tunnel(env.port, "www.example.org", env.pki.ca_pem)
        offset = len(env.proxy.log())
        script.unlink()
        env.proxy.wait_for_log(f"the Watercooler script {script} was removed", after=offset)
        write_rules(env.rules, TEST_RULES.replace(           # tightened while no script is loaded
            "  - name: linkedin-read-only\n",
            "  - name: no-instagram\n    sites: [instagram]\n    action: block\n  - name: linkedin-read-only\n"))
        shutil.copy(SCRIPT, script)
        poll(lambda: closed(tunnel), timeout=10, what="the Instagram tunnel opened before to be closed")
        assert not closed(untouched)
        assert "the policy changed for www.instagram.com" in env.proxy.log()[offset:]
        tunnel.close()
        untouched.close()
    finally:
        env.stop()


@pytest.mark.e2e
def test_a_budget_used_up_stays_used_up_when_the_script_is_saved_again(tmp_path):
    script = tmp_path / "watercooler.py"
    shutil.copy(SCRIPT, script)
    # Usage in memory (no database); a real second is a minute on the proxy's clock, anchored to now so
    # that the script loaded again goes on from the same moment.
    clock = f"2026-11-26T10:00:00+01:00x60@{time.time()}"
    env = start_env(tmp_path, script=script, options={"watercooler_test_clock": clock})

    def reddit():
        return http_via_proxy(env.port, b"GET http://www.reddit.com/r/python HTTP/1.1\r\nHost: www.reddit.com\r\n"
                                        b"Accept: text/html\r\nConnection: close\r\n\r\n")
    try:
        poll(lambda: reddit().status == 403, timeout=30, interval=0.2, what="the Reddit budget to run out")
        offset = len(env.proxy.log())
        script.write_text(SCRIPT.read_text() + "\n# saved again\n")
        env.proxy.wait_for_log("Watercooler is enforcing", after=offset)
        env.http_origin.clear()
        again = reddit()
        assert again.status == 403 and "5 of 5 minutes used today" in again.text
        assert env.http_origin.seen == []
    finally:
        env.stop()
