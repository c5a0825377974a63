"""One client cannot take the proxy down: a cap on client connections in all, and per client address.

Every connection is admitted at `client_connected` or refused. When the proxy or the client's address
is full, the oldest connection that has not started yet (`deadlines`: no complete request head, or no
ClientHello after CONNECT) is closed to make room: idle and half-sent connections cannot crowd out a
real request, not even one from the same address (a whole office behind NAT shares one). When every
connection in the way is busy, the new one is answered "503 Service Unavailable" with `Connection:
close` as soon as its request head arrives (it has a few seconds to send it). When even the room kept
for those answers is used up, it is closed at once, unanswered. Each of these is logged per
connection with `summarise`, which `log_summary` turns into one line per kind per interval.
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from mitmproxy import connection, http

from proxy_addons.defences.deadlines import Deadlines
from proxy_addons.defences.open_files import OpenFiles
from proxy_addons.logs.client_addresses import shown
from proxy_addons.pages import render as pages
from proxy_addons.tunnels.connections import close_client

logger = logging.getLogger("watercooler.limits")
SUMMARISE = {"summarise": True}
REFUSED_WAIT = 5.0            # seconds a refused connection may take to send the head its 503 answers
REFUSAL_ROOM = 32             # refused connections held open at once to be answered; beyond, closed at accept


class ConnectionLimits:
    def __init__(self) -> None:
        self.capacity = 1
        self.per_client = 0
        self.deadlines = Deadlines(self._close)
        self._open: dict[str, str] = {}                      # admitted: client id -> address
        self._per_address: Counter[str] = Counter()
        self._refused: dict[str, tuple[str, asyncio.TimerHandle]] = {}   # client id -> (503 reason, deadline)

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
        self.deadlines.head_timeout = opts.watercooler_head_timeout
        self.deadlines.hello_timeout = opts.watercooler_hello_timeout

    def describe(self) -> str:
        per_client = f"{self.per_client:,} per client address" if self.per_client else "no cap per address"
        return (f"room for {self.capacity:,} client connections, {per_client}; a request head within "
                f"{self.deadlines.head_timeout:g} s, a ClientHello within {self.deadlines.hello_timeout:g} s "
                f"after CONNECT")

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
        self._open[client.id] = address
        self._per_address[address] += 1
        self.deadlines.opened(client, address)

    def head_received(self, flow: http.HTTPFlow) -> None:
        """`requestheaders` and `http_connect`: the head is complete. A refused connection gets its 503."""
        if self.deadlines.waiting:
            self.deadlines.head_received(flow)
        refused = self._refused.get(flow.client_conn.id) if self._refused else None
        if refused is not None and flow.response is None:
            flow.response = pages.plain_response(503, refused[0])
            flow.response.headers["Connection"] = "close"
            flow.response.headers["Retry-After"] = "5"

    def client_disconnected(self, client: connection.Client) -> None:
        self.deadlines.forget(client)
        address = self._open.pop(client.id, None)
        if address is not None:
            self._uncount(address)
        refused = self._refused.pop(client.id, None)
        if refused is not None:
            refused[1].cancel()

    # --- inside ------------------------------------------------------------------------------------
    def _make_room(self, address: str | None) -> bool:
        """Close the oldest not-yet-started connection (of `address`, or of anyone); False if none."""
        client = self.deadlines.oldest(address)
        if client is None:
            return False
        self.deadlines.forget(client)
        its_address = self._open.pop(client.id)
        self._uncount(its_address)
        self._close(client, its_address, "room was needed for a new connection")
        return True

    def _refuse(self, client: connection.Client, address: str, why: str, answer: str) -> None:
        if len(self._refused) >= REFUSAL_ROOM:
            client.error = f"refused at accept: {why}"       # mitmproxy closes it right after this hook
            logger.warning(_template("closing a new connection from %s at once, no room to answer it: ", why),
                           shown(address), extra=SUMMARISE)
            return
        wait = min(REFUSED_WAIT, self.deadlines.head_timeout)
        timer = asyncio.get_running_loop().call_later(wait, self._unanswered, client, address)
        self._refused[client.id] = (answer, timer)
        logger.warning(_template("answering a connection from %s with 503: ", why), shown(address), extra=SUMMARISE)

    def _unanswered(self, client: connection.Client, address: str) -> None:
        if self._refused.pop(client.id, None) is not None:
            self._close(client, address, "no request head to answer with 503")

    def _close(self, client: connection.Client, address: str, why: str) -> None:
        if close_client(client, why, quiet=True):
            logger.info(_template("closed a connection from %s: ", why), shown(address), extra=SUMMARISE)

    def _uncount(self, address: str) -> None:
        self._per_address[address] -= 1
        if not self._per_address[address]:
            del self._per_address[address]


def _template(message: str, why: str) -> str:
    # The reason is part of the message template, the address is not: `log_summary` counts per reason.
    return message + why.replace("%", "%%")
