"""Deadlines for connections that have not started yet: a complete request head, then the ClientHello.

A new connection must send a complete request head (or CONNECT) within `watercooler_head_timeout`
seconds; after a CONNECT, its TLS ClientHello within `watercooler_hello_timeout`. One that misses a
deadline is closed: connections that send nothing at all, slow half-sent heads, and tunnels that
never begin. Once a connection has started (a request head, a ClientHello, a tunnel relaying) no
deadline applies: tunnels and WebSockets live as long as they carry data, and mitmproxy's
`tcp_timeout` closes them after that many silent seconds. Not-yet-started connections are also the
ones `limits` closes first when it needs room, oldest first.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

from mitmproxy import connection, http

from proxy_addons.tunnels.connections import live_handler

HEAD, HELLO = "request head", "TLS ClientHello"


class Pending:
    __slots__ = ("address", "client", "stage", "timer")

    def __init__(self, client: connection.Client, address: str) -> None:
        self.client, self.address, self.stage = client, address, HEAD
        self.timer: asyncio.TimerHandle | None = None


class Deadlines:
    def __init__(self, missed: Callable[[connection.Client, str, str], None]) -> None:
        self.missed = missed                         # (client, address, why): close it
        self.head_timeout = self.hello_timeout = 30.0
        # By client id, oldest first; empty once every connection has started, so that a request on a
        # kept-alive connection costs `limits` one truth test.
        self.waiting: OrderedDict[str, Pending] = OrderedDict()
        self._by_address: dict[str, OrderedDict[str, Pending]] = {}

    def opened(self, client: connection.Client, address: str) -> None:
        pending = self.waiting[client.id] = Pending(client, address)
        self._by_address.setdefault(address, OrderedDict())[client.id] = pending
        self._arm(pending, self.head_timeout)

    def head_received(self, flow: http.HTTPFlow) -> None:
        pending = self.waiting.get(flow.client_conn.id)
        if pending is None:
            return
        if flow.request.method == "CONNECT":        # again after a 407, too: the ClientHello is due
            pending.stage = HELLO
            self._arm(pending, self.hello_timeout)
        else:
            self.forget(flow.client_conn)

    def oldest(self, address: str | None) -> connection.Client | None:
        """The oldest connection (from `address`, or from anyone) that has not started; None if none."""
        waiting = self.waiting if address is None else self._by_address.get(address, OrderedDict())
        while waiting:
            pending = next(iter(waiting.values()))
            if not (pending.stage is HELLO and _relaying(pending.client)):
                return pending.client
            self.forget(pending.client)             # a tunnel past its ClientHello has started
        return None

    def forget(self, client: connection.Client) -> None:
        pending = self.waiting.pop(client.id, None)
        if pending is None:
            return
        if pending.timer is not None:
            pending.timer.cancel()
        mine = self._by_address[pending.address]
        del mine[client.id]
        if not mine:
            del self._by_address[pending.address]

    def _arm(self, pending: Pending, seconds: float) -> None:
        if pending.timer is not None:
            pending.timer.cancel()
        pending.timer = asyncio.get_running_loop().call_later(seconds, self._expired, pending)

    def _expired(self, pending: Pending) -> None:
        if self.waiting.get(pending.client.id) is not pending:
            return
        self.forget(pending.client)
        if pending.stage is HELLO and _relaying(pending.client):
            return
        seconds = self.head_timeout if pending.stage is HEAD else self.hello_timeout
        self.missed(pending.client, pending.address, f"no complete {pending.stage} within {seconds:g} s")


def _relaying(client: connection.Client) -> bool:
    """Past its ClientHello: TLS with the client is up, or a connection to a site is open (a tunnel)."""
    if client.tls_established:
        return True
    handler = live_handler(client)
    return handler is not None and any(conn is not client for conn in handler.transports)
