"""One client cannot take the proxy down: a connection cap, a cap per client address, and deadlines.

Every connection is admitted at `client_connected` or refused:
- Admitted connections have deadlines until they start: a complete request head (or CONNECT) within
  `watercooler_head_timeout` seconds of connecting, then, after a CONNECT, the TLS ClientHello within
  `watercooler_hello_timeout`. A connection that misses one is closed. Once started (a request head, a
  ClientHello, a tunnel relaying), no deadline applies: tunnels and WebSockets live as long as they
  carry data (mitmproxy's `tcp_timeout` closes them after that many silent seconds).
- When the proxy or the client's address is full, the oldest connection that has not started yet is
  closed to make room: idle and half-sent connections cannot crowd out a real request, not even one
  from the same address (a whole office behind NAT shares one).
- When every connection in the way is busy, the new one is answered "503 Service Unavailable" with
  `Connection: close` as soon as its request head arrives (it gets a short deadline meanwhile). When
  even the room kept for answering is used up, it is closed at once, without an answer.
Each of these is logged per connection with `summarise`, which `log_summary` turns into one line per
kind per interval.
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter, OrderedDict
from typing import Any

from mitmproxy import connection, http

from proxy_addons import pages
from proxy_addons.connections import close_client, live_handler
from proxy_addons.open_files import OpenFiles

logger = logging.getLogger("watercooler.limits")
SUMMARISE = {"summarise": True}
HEAD, HELLO, STARTED, REFUSED = "request head", "TLS ClientHello", "started", "refused"
REFUSED_WAIT = 5.0            # seconds a refused connection may take to send the head its 503 answers
REFUSAL_ROOM = 32             # refused connections held open at once to be answered; beyond, closed at accept


class _Conn:
    __slots__ = ("client", "address", "stage", "timer", "answer")

    def __init__(self, client: connection.Client, address: str) -> None:
        self.client, self.address, self.stage = client, address, HEAD
        self.timer: asyncio.TimerHandle | None = None
        self.answer = ""                      # for a refused connection: the reason its 503 gives


class ConnectionLimits:
    def __init__(self) -> None:
        self.capacity = 1
        self.per_client = 0
        self.head_timeout = self.hello_timeout = 30.0
        self._open: dict[str, _Conn] = {}                            # admitted, by client id
        self._per_address: Counter[str] = Counter()
        self._waiting: dict[str, OrderedDict[str, _Conn]] = {}       # not started, per address, oldest first
        self._all_waiting: OrderedDict[str, _Conn] = OrderedDict()   # the same, all addresses
        self._refused: dict[str, _Conn] = {}

    def configure(self, opts: Any, open_files: OpenFiles) -> None:
        for name in ("watercooler_max_connections", "watercooler_max_per_client"):
            if getattr(opts, name) < 0:
                raise ValueError(f"{name} must be 0 (no cap of its own) or a number of connections, "
                                 f"not {getattr(opts, name)}")
        for name in ("watercooler_head_timeout", "watercooler_hello_timeout"):
            if getattr(opts, name) < 1:
                raise ValueError(f"{name} must be at least 1 (seconds), not {getattr(opts, name)}")
        wanted = opts.watercooler_max_connections
        self.capacity = min(wanted, open_files.capacity) if wanted else open_files.capacity
        self.per_client = opts.watercooler_max_per_client
        self.head_timeout, self.hello_timeout = opts.watercooler_head_timeout, opts.watercooler_hello_timeout

    def describe(self) -> str:
        per_client = f"{self.per_client:,} per client address" if self.per_client else "no cap per address"
        return (f"room for {self.capacity:,} client connections, {per_client}; a request head within "
                f"{self.head_timeout:g} s, a ClientHello within {self.hello_timeout:g} s after CONNECT")

    # --- hooks -------------------------------------------------------------------------------------
    def client_connected(self, client: connection.Client) -> None:
        address = client.peername[0] if client.peername else "?"
        if self.per_client and self._per_address[address] >= self.per_client and not self._make_room(address):
            return self._refuse(client, address, f"too many connections from one address "
                                                 f"(watercooler_max_per_client={self.per_client})",
                                "too many connections from your address right now; try again in a moment")
        if len(self._open) >= self.capacity and not self._make_room(None):
            return self._refuse(client, address, f"the proxy is full ({self.capacity:,} connections)",
                                "the proxy has too many connections right now; try again in a moment")
        conn = self._open[client.id] = _Conn(client, address)
        self._per_address[address] += 1
        self._waiting.setdefault(address, OrderedDict())[client.id] = conn
        self._all_waiting[client.id] = conn
        self._deadline(conn, self.head_timeout)

    def head_received(self, flow: http.HTTPFlow) -> None:
        """`requestheaders` and `http_connect`: the head is complete. A refused connection gets its 503."""
        conn = self._open.get(flow.client_conn.id)
        if conn is not None:
            if conn.stage is HEAD or conn.stage is HELLO:
                if flow.request.method == "CONNECT":        # again after a 407, too: the ClientHello is due
                    conn.stage = HELLO
                    self._deadline(conn, self.hello_timeout)
                else:
                    self._started(conn)
        elif (refused := self._refused.get(flow.client_conn.id)) is not None and flow.response is None:
            flow.response = pages.plain_response(503, refused.answer)
            flow.response.headers["Connection"] = "close"
            flow.response.headers["Retry-After"] = "5"

    def client_disconnected(self, client: connection.Client) -> None:
        conn = self._open.pop(client.id, None) or self._refused.pop(client.id, None)
        if conn is not None:
            self._release(conn)

    # --- inside ------------------------------------------------------------------------------------
    def _deadline(self, conn: _Conn, seconds: float) -> None:
        if conn.timer is not None:
            conn.timer.cancel()
        conn.timer = asyncio.get_running_loop().call_later(seconds, self._expired, conn)

    def _expired(self, conn: _Conn) -> None:
        conn.timer = None
        if conn.stage is REFUSED:
            if self._refused.get(conn.client.id) is conn:
                self._close(conn, "no request head to answer")
        elif self._open.get(conn.client.id) is conn and conn.stage is not STARTED:
            if conn.stage is HELLO and _relaying(conn.client):
                return self._started(conn)
            seconds = self.head_timeout if conn.stage is HEAD else self.hello_timeout
            self._close(conn, f"no complete {conn.stage} within {seconds:g} s")

    def _started(self, conn: _Conn) -> None:
        conn.stage = STARTED
        if conn.timer is not None:
            conn.timer.cancel()
            conn.timer = None
        self._forget_waiting(conn)

    def _make_room(self, address: str | None) -> bool:
        """Close the oldest not-yet-started connection (of `address`, or of anyone); False if none."""
        waiting = self._all_waiting if address is None else self._waiting.get(address, OrderedDict())
        while waiting:
            conn = next(iter(waiting.values()))
            if conn.stage is HELLO and _relaying(conn.client):     # a tunnel past its ClientHello
                self._started(conn)
                continue
            self._open.pop(conn.client.id, None)
            self._release(conn)
            self._close(conn, "room was needed for a new connection")
            return True
        return False

    def _refuse(self, client: connection.Client, address: str, why: str, answer: str) -> None:
        if len(self._refused) >= REFUSAL_ROOM:
            client.error = f"refused at accept: {why}"       # mitmproxy closes it right after this hook
            logger.warning("closing a new connection from %s at once, no room to answer it: " + _template(why),
                           address, extra=SUMMARISE)
            return
        conn = self._refused[client.id] = _Conn(client, address)
        conn.stage, conn.answer = REFUSED, answer
        conn.timer = asyncio.get_running_loop().call_later(min(REFUSED_WAIT, self.head_timeout), self._expired, conn)
        logger.warning("answering a connection from %s with 503: " + _template(why), address, extra=SUMMARISE)

    def _close(self, conn: _Conn, why: str) -> None:
        if close_client(conn.client, why, quiet=True):
            logger.info("closed a connection from %s: " + _template(why), conn.address, extra=SUMMARISE)

    def _release(self, conn: _Conn) -> None:
        if conn.timer is not None:
            conn.timer.cancel()
            conn.timer = None
        if conn.stage is REFUSED:
            return
        self._per_address[conn.address] -= 1
        if not self._per_address[conn.address]:
            del self._per_address[conn.address]
        self._forget_waiting(conn)

    def _forget_waiting(self, conn: _Conn) -> None:
        self._all_waiting.pop(conn.client.id, None)
        mine = self._waiting.get(conn.address)
        if mine is not None:
            mine.pop(conn.client.id, None)
            if not mine:
                del self._waiting[conn.address]


def _template(why: str) -> str:
    # The reason is part of the message template, the address is not: `log_summary` counts per reason.
    return why.replace("%", "%%")


def _relaying(client: connection.Client) -> bool:
    """Past its ClientHello: TLS with the client is up, or a connection to a site is open (a tunnel)."""
    if client.tls_established:
        return True
    handler = live_handler(client)
    return handler is not None and any(conn is not client for conn in handler.transports)
