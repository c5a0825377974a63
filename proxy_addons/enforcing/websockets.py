"""WebSocket messages, each decided like a request: whether the connection may go on, what it costs.

Every message is decided afresh, so a budget that runs out or a schedule that closes ends the
connection. A message from the client is one signal of use (`usage.activity`: BUSY of them in a
minute make it active); what the server pushes costs nothing, so an open feed left alone is free.
On a read-only site the handshake (a GET) opens the connection and the site's messages are read,
but a message from the client writes: it is dropped before it reaches the site, and the connection
is closed.
"""
from __future__ import annotations

from mitmproxy import http

from policy.engine.reading import WEBSOCKET_MESSAGE
from proxy_addons.auth.identity import Who
from proxy_addons.enforcing.deciding import Decider, site_url
from proxy_addons.tunnels.connections import Connections
from proxy_addons.usage.counter import UsageCounter


def judge_message(decider: Decider, counter: UsageCounter, connections: Connections,
                  flow: http.HTTPFlow, who: Who) -> str | None:
    """None lets the newest message through; otherwise it is dropped and this says why to close."""
    assert flow.websocket is not None
    message = flow.websocket.messages[-1]
    url, now = site_url(flow.request), decider.clock.now()
    decision = decider.decide(who, url, now=now)
    writes = message.from_client and not message.injected
    if writes and decision.action == "allow" and decision.rule_action == "read-only":
        decision = decider.decide(who, url, WEBSOCKET_MESSAGE, now)
    if decision.action != "allow":
        message.drop()
        if decision.rule_action == "read-only":
            return f"WebSocket message to {flow.request.host} refused: the site is read-only"
        return f"WebSocket to {flow.request.host} is no longer allowed"
    if writes:
        counter.note(who.user, decision, now, 1)
    connections.close_at(flow.client_conn, who, decision.until)
    return None
