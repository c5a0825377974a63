"""One client cannot take the proxy down: idle connections make room for real ones, busy ones mean a 503."""
from __future__ import annotations

import http.client
import re
import socket

import pytest
from mitmproxy import exceptions
from mitmproxy.test import taddons

from proxy_addons.addon import Watercooler
from proxy_addons.defences.limits import REFUSAL_ROOM
from tests.support.net import closed, idle_connections, poll
from tests.support.proxy_clients import http_via_proxy, keep_alive_tunnel
from tests.support.proxy_env import start_env
from tests.support.ws_client import WsClient

PAGE = b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\nConnection: close\r\n\r\n"
CONNECT = b"CONNECT www.example.org:443 HTTP/1.1\r\nHost: www.example.org:443\r\n\r\n"


@pytest.mark.e2e
def test_more_idle_connections_than_open_files_leave_the_proxy_serving(tmp_path):
    # `ulimit -Sn 256` under a hard limit of 512: the proxy raises its own limit to 512 and says so.
    env = start_env(tmp_path, program="watercooler", open_files=(256, 512))
    idle: list[socket.socket] = []
    try:
        log = env.proxy.wait_for_log("open files: raised from 256 to 512 (hard limit 512)")
        assert "room for " in log
        idle = idle_connections(env.port, 700)           # more connections than the proxy has open files
        seen = http_via_proxy(env.port, PAGE)
        assert seen.status == 200 and b"origin page for www.example.org" in seen.body
        keep_alive_tunnel(env.port, "www.example.org", env.pki.ca_pem).close()   # a site connection still fits
        # The oldest idle connections made room; those closed see the end of their connection.
        assert sum(closed(sock) for sock in idle) >= 700 - 512
        log = env.proxy.wait_for_log("more like it in the last 10 s: closed a connection from (client): "
                                     "room was needed for a new connection", timeout=20)
        assert log.count("closed a connection from (client): room was needed") == 2   # the first and a summary
        assert "Traceback" not in log and "Too many open files" not in log
    finally:
        for sock in idle:
            sock.close()
        env.stop()


def page_from(port: int) -> tuple[int, dict[str, str], int]:
    """GET a page through the proxy on a new connection: status, headers, and the client's local port."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(PAGE)
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, sock.getsockname()[1]


@pytest.mark.e2e
def test_idle_connections_from_one_address_make_room_and_busy_ones_get_a_503(tmp_path):
    # mitmproxy's per-connection lines (with addresses) say when the proxy has seen a connection close
    env = start_env(tmp_path, options={"watercooler_max_per_client": "3", "watercooler_log_addresses": "true"},
                    program="watercooler")
    sockets: list = []
    try:
        idle = idle_connections(env.port, 1)[0]
        sockets = [idle, WsClient(env.port, "www.example.org"), WsClient(env.port, "www.example.org")]
        assert [ws.status for ws in sockets[1:]] == [101, 101]
        status, _, local_port = page_from(env.port)      # the fourth from this address: the idle one goes
        assert status == 200
        poll(lambda: closed(idle), what="the idle connection to be closed to make room")
        env.proxy.wait_for_log(f"[127.0.0.1:{local_port}] client disconnect")

        sockets.append(WsClient(env.port, "www.example.org"))      # three busy connections now
        assert sockets[-1].status == 101
        status, headers, _ = page_from(env.port)
        assert status == 503 and headers["connection"] == "close" and headers["retry-after"] == "5"
        assert headers["x-watercooler-reason"] == "too many connections from your address right now; " \
                                                  "try again in a moment"
        for ws in sockets[1:]:                           # the busy ones never noticed
            ws.send("still here")
            assert ws.receive() == "echo: still here"
        log = env.proxy.log()
        assert "closed a connection from 127.0.0.1: room was needed for a new connection" in log
        assert "answering a connection from 127.0.0.1 with 503: too many connections from one address " \
               "(watercooler_max_per_client=3)" in log
    finally:
        for sock in sockets:
            sock.close()
        env.stop()


def answered(sock: socket.socket, head: bytes = PAGE) -> tuple[int, str]:
    """Send a request head on an open connection: (status, X-Watercooler-Reason) of the answer."""
    sock.sendall(head)
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    return response.status, response.getheader("X-Watercooler-Reason", "")


FULL = "the proxy has too many connections right now; try again in a moment"


def logged(log: str, line: str) -> tuple[int, int]:
    """(occurrences counted, lines printed) of a summarised log line: in full, or in "… and N more like it"."""
    found = re.findall(r"(?:… and ([\d,]+) more like it in the last 10 s: )?" + re.escape(line), log)
    return sum(int(n.replace(",", "")) if n else 1 for n in found), len(found)


def fill_and_empty(env, used: list) -> None:
    """Fill a proxy capped at 3 connections, overflow it, close everything, and wait until it has seen
    every connection go."""
    early = idle_connections(env.port, 2) + idle_connections(env.port, 1, PAGE[:30])
    busy = [WsClient(env.port, "www.example.org") for _ in range(3)]     # the early ones make room
    used += early + busy
    assert [ws.status for ws in busy] == [101, 101, 101]
    poll(lambda: all(closed(sock) for sock in early), what="the idle connections to make room")
    waiting = idle_connections(env.port, REFUSAL_ROOM + 1)
    used += waiting
    poll(lambda: closed(waiting[-1]), what="the connection beyond the waiting room to be closed")
    # A CONNECT gets the same answer (a browser shows its own error for it; curl and scripts see this).
    assert answered(waiting[0], CONNECT) == (503, FULL)
    assert [answered(sock) for sock in waiting[1:-1]] == [(503, FULL)] * (REFUSAL_ROOM - 1)
    ports = [sock.getsockname()[1] for sock in early + waiting + [ws.sock for ws in busy]]
    for ws in busy:                                # the busy ones never noticed
        ws.send("still here")
        assert ws.receive() == "echo: still here"
        ws.close()
    for sock in early + waiting:
        sock.close()
    # mitmproxy's per-connection lines name the client's port: the proxy has seen each one go.
    poll(lambda: all(f"[127.0.0.1:{port}] client disconnect" in log for log in [env.proxy.log()] for port in ports),
         timeout=20, what="the proxy to see every connection close")


@pytest.mark.e2e
def test_a_full_proxy_answers_503_closes_what_it_cannot_answer_and_gives_every_place_back(tmp_path):
    env = start_env(tmp_path, options={"watercooler_max_connections": "3", "watercooler_max_per_client": "0",
                                       "watercooler_head_timeout": "5", "watercooler_log_addresses": "true"},
                    program="watercooler")
    used: list = []
    try:
        # Twice the same: a place or a waiting room kept for a connection that is gone would make the
        # second round differ (a WebSocket refused, a 503 not given).
        fill_and_empty(env, used)
        fill_and_empty(env, used)
        # Each kind is logged once per 10 s, in full, then counted: every one of them, none twice.
        kinds = {"answering a connection from 127.0.0.1 with 503: the proxy is full (3 connections)": 2 * REFUSAL_ROOM,
                 "closing a new connection from 127.0.0.1 at once, no room to answer it: the proxy is full "
                 "(3 connections)": 2}
        poll(lambda: [logged(env.proxy.log(), kind)[0] for kind in kinds] == list(kinds.values()), timeout=30,
             what="the summaries to count every connection")
        log = env.proxy.log()
        assert logged(log, next(iter(kinds)))[1] < 10          # lines: a few, not one per connection
        assert "Traceback" not in log
    finally:
        for sock in used:
            sock.close()
        env.stop()


def test_bad_limits_are_refused_with_the_setting_named():
    addon = Watercooler(guard=False)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, watercooler_rules="rules")
        with pytest.raises(exceptions.OptionsError, match="watercooler_head_timeout must be at least 1"):
            tctx.configure(addon, watercooler_head_timeout=0)
        with pytest.raises(exceptions.OptionsError, match="watercooler_max_per_client must be 0"):
            tctx.configure(addon, watercooler_max_per_client=-1)
        tctx.configure(addon, watercooler_max_connections=10)
        assert addon.parts.limits.capacity == 10
