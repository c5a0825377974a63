"""What the proxy knows about each client connection, and closing it when its decision expires.

A tunnel is only as good as the moment it was decided: a connection allowed until 13:00 is closed at
13:00, so the browser reconnects and the new connection is decided afresh. The same holds for
intercepted connections carrying a long download or a WebSocket.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from mitmproxy import connection, ctx

from proxy_addons.identity import Who

logger = logging.getLogger("watercooler.connections")


@dataclass
class ClientState:
    who: Who
    connect_host: str | None = None        # the host named in CONNECT
    unavailable: bool = False              # deciding failed: every request on it gets the page
    closes_at: datetime | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class Connections:
    def __init__(self, seconds_until: Callable[[datetime], float]) -> None:
        self._seconds_until = seconds_until
        self._states: weakref.WeakKeyDictionary[connection.Client, ClientState] = weakref.WeakKeyDictionary()

    def get(self, client: connection.Client) -> ClientState | None:
        return self._states.get(client)

    def remember(self, client: connection.Client, state: ClientState) -> ClientState:
        old = self._states.get(client)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        self._states[client] = state
        return state

    def close_at(self, client: connection.Client, who: Who, moment: datetime | None) -> None:
        """Close `client` at `moment` (keeps the earliest moment asked for)."""
        if moment is None:
            return
        state = self._states.get(client) or self.remember(client, ClientState(who))
        if state.closes_at is not None and state.closes_at <= moment:
            return
        if state.timer is not None:
            state.timer.cancel()
        state.closes_at = moment
        delay = self._seconds_until(moment)
        state.timer = asyncio.get_running_loop().call_later(delay, close_client, client, "its decision expired")

    def forget(self, client: connection.Client) -> None:
        state = self._states.pop(client, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()


def close_client(client: connection.Client, why: str, quiet: bool = False) -> bool:
    """Close a live client connection (and with it its server side); False if it is already gone.

    `quiet` leaves the logging to the caller (connection limits log a summary, not every close)."""
    handler = live_handler(client)
    if handler is None or client not in handler.transports:
        return False
    if not quiet:
        logger.info(f"closing a client connection: {why}")   # never its address (docs/privacy.md)
    handler.close_connection(handler.client)
    return True


def live_handler(client: connection.Client) -> Any:
    """mitmproxy's handler of a live client connection (its transports: the client and any sites), or None."""
    proxyserver: Any = ctx.master.addons.get("proxyserver")
    return proxyserver.connections.get(client.id) if proxyserver is not None else None
