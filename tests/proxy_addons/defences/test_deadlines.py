"""Connections that never start are closed at their deadline; tunnels and WebSockets that carry data stay."""
from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from tests.support.net import closed, idle_connections, poll
from tests.support.proxy_clients import get_on, keep_alive_tunnel, open_tunnel
from tests.support.proxy_env import start_env
from tests.support.ws_client import WsClient

HALF_HEAD = b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: slo"


class Trickle(threading.Thread):
    """Slowloris: each socket sends one more header byte every 0.3 s, for as long as it stays open."""

    def __init__(self, sockets: list[socket.socket]) -> None:
        super().__init__(daemon=True)
        self.sockets, self.stopping = list(sockets), threading.Event()
        for sock in self.sockets:
            sock.sendall(HALF_HEAD)

    def run(self) -> None:
        while self.sockets and not self.stopping.wait(0.3):      # the fault's own pace, not a wait for it
            for sock in list(self.sockets):
                try:
                    sock.sendall(b"X")
                except OSError:                                   # closed by the proxy: done with it
                    self.sockets.remove(sock)


def plain_get(sock: socket.socket) -> int:
    sock.sendall(b"GET http://www.example.org/ HTTP/1.1\r\nHost: www.example.org\r\n\r\n")
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    return response.status


@pytest.mark.e2e
def test_slow_heads_silent_clients_and_missing_client_hellos_are_closed_but_live_tunnels_stay(tmp_path):
    env = start_env(tmp_path, options={"watercooler_head_timeout": "2", "watercooler_hello_timeout": "3"},
                    program="watercooler")
    slow: list[socket.socket] = []
    trickle = Trickle([])
    try:
        websocket = WsClient(env.port, "www.example.org")
        tunnel = keep_alive_tunnel(env.port, "www.example.org", env.pki.ca_pem)
        plain = socket.create_connection(("127.0.0.1", env.port), timeout=10)   # keep-alive, then quiet
        assert plain_get(plain) == 200
        opened = time.monotonic()
        slow = idle_connections(env.port, 20, HALF_HEAD) + idle_connections(env.port, 20)
        trickling = idle_connections(env.port, 10)
        slow += trickling
        trickle = Trickle(trickling)
        trickle.start()
        silent_tunnels = [open_tunnel(env.port, "www.example.org")[0] for _ in range(10)]
        slow += silent_tunnels
        poll(lambda: all(closed(sock) for sock in slow), timeout=15, what="the slow connections to be closed")
        assert time.monotonic() - opened >= 1.8          # by their deadline, not at once
        # These started before the slow ones and have lived past every deadline: they still carry data.
        assert time.monotonic() - opened > 3
        websocket.send("hello")
        assert websocket.receive() == "echo: hello"
        assert get_on(tunnel, "www.example.org")[0] == 200
        assert plain_get(plain) == 200
        log = env.proxy.log()
        assert "closed a connection from (client): no complete request head within 2 s" in log
        assert "closed a connection from (client): no complete TLS ClientHello within 3 s" in log
        assert log.count("no complete request head within 2 s") == 1      # 50 closed, one line so far
        assert log.count("Client closed connection before completing request headers") == 1
        websocket.close()
        tunnel.close()
        plain.close()
    finally:
        trickle.stopping.set()
        for sock in slow:
            sock.close()
        env.stop()
