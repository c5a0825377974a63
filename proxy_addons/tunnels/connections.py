"""What the proxy knows about each client connection, and closing it when its decision no longer holds.

A tunnel is only as good as the moment it was decided: a connection allowed until 13:00 is closed at
13:00, so the browser reconnects and the new connection is decided afresh. The same holds for
intercepted connections carrying a long download or a WebSocket. Each connection remembers the
allows it carries (who, what, how); when the policy changes (a reload, a manager's adjustment, a
grant given or taken back), `redecide` decides each of them again and closes the connections whose
allow no longer holds.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mitmproxy import connection, ctx

from policy.engine.decision import Decision
from proxy_addons.auth.identity import Who

logger = logging.getLogger("watercooler.connections")


Held = tuple[Who, str, str, bool]       # an allow a connection carries: who, url, method, decided as unnamed


@dataclass
class ClientState:
    who: Who
    connect_host: str | None = None        # the host named in CONNECT
    unavailable: bool = False              # deciding failed: every request on it gets the page
    closes_at: datetime | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)
    # The allows this connection carries → whether each must stay a plain tunnel (one that needs
    # interception now is closed, so the browser reconnects and is seen).
    held: dict[Held, bool] = field(default_factory=dict, repr=False)


MAX_HELD = 32       # a plain-HTTP proxy connection can carry many hosts; its next request is decided anyway


class Connections:
    def __init__(self, seconds_until: Callable[[datetime], float],
                 close: Callable[[connection.Client, str], bool] | None = None) -> None:
        self._seconds_until = seconds_until
        self._close = close or close_client
        self._states: weakref.WeakKeyDictionary[connection.Client, ClientState] = weakref.WeakKeyDictionary()

    def adopt(self, before: Connections) -> int:
        """Take over the connections `before` knows (their closing times included), so that a policy change
        reaches them through this registry; how many."""
        adopted, before._states = dict(before._states), weakref.WeakKeyDictionary()
        self._states.update(adopted)
        return len(adopted)

    def get(self, client: connection.Client) -> ClientState | None:
        return self._states.get(client)

    def remember(self, client: connection.Client, state: ClientState) -> ClientState:
        old = self._states.get(client)
        if old is not None and old.timer is not None:
            old.timer.cancel()
        self._states[client] = state
        return state

    def hold(self, client: connection.Client, who: Who, url: str, until: datetime | None, *, method: str = "GET",
             unnamed: bool = False, plain: bool = False) -> None:
        """Remember an allow this connection carries (decided again when the policy changes); close at `until`."""
        state = self._states.get(client) or self.remember(client, ClientState(who))
        held = state.held
        key = (who, url, method, unnamed)
        if key not in held and len(held) >= MAX_HELD:
            del held[next(iter(held))]
        held[key] = plain
        if until is not None:
            self.close_at(client, who, until)

    def redecide(self, decide: Callable[[Who, str, str, bool], Decision]) -> int:
        """The policy changed: decide every held allow again (`decide(who, url, method, unnamed)`), close
        each connection one of whose allows no longer holds, and move the others' closing time to
        their new `until`. Returns how many were closed. Pure deciding, no I/O: fine on the loop."""
        closed = 0
        for client, state in list(self._states.items()):
            if not state.held:
                continue
            untils, why = [], None
            for (who, url, method, unnamed), plain in list(state.held.items()):
                try:
                    decision = decide(who, url, method, unnamed)
                except Exception as exc:          # undecidable now: closed, and the reconnect is decided
                    why = f"the new policy could not decide it ({type(exc).__name__})"
                    break
                if decision.action != "allow" or (plain and decision.needs_interception):
                    why = f"the policy changed for {decision.host}"
                    break
                if decision.until is not None:
                    untils.append(decision.until)
            if why is not None:
                self.forget(client)
                closed += self._close(client, why)
            else:
                self._arm(client, state, min(untils, default=None))
        return closed

    def _arm(self, client: connection.Client, state: ClientState, moment: datetime | None) -> None:
        if state.timer is not None:
            state.timer.cancel()
        state.closes_at, state.timer = moment, None
        if moment is not None:
            state.timer = asyncio.get_running_loop().call_later(self._seconds_until(moment), self._close, client,
                                                                "its decision expired")

    def close_at(self, client: connection.Client, who: Who, moment: datetime | None) -> None:
        """Close `client` at `moment` (keeps the earliest moment asked for)."""
        if moment is None:
            return
        state = self._states.get(client) or self.remember(client, ClientState(who))
        if state.closes_at is not None and state.closes_at <= moment:
            return
        self._arm(client, state, moment)

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
        logger.info("closing a client connection: %s", why)   # never its address (docs/privacy.md)
    handler.close_connection(handler.client)
    return True


def live_handler(client: connection.Client) -> Any:
    """mitmproxy's handler of a live client connection (its transports: the client and any sites), or None."""
    proxyserver: Any = ctx.master.addons.get("proxyserver")
    return proxyserver.connections.get(client.id) if proxyserver is not None else None
