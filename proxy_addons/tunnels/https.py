"""HTTPS before decryption: decide at CONNECT (host and user) and again at the TLS ClientHello (SNI).

A plain allow that needs no per-request control is tunnelled untouched (`ignore_connection`): the
browser talks to the site with the site's own certificate and nothing is decrypted. Everything else
(a page to show, methods to check, minutes to count, a host disagreement, a failure) is intercepted
with the Watercooler CA, and every request inside is decided again. With `watercooler_no_ca` nothing
is decrypted: what would need a page is refused at CONNECT with 403 and X-Watercooler-Reason, and a
quota site's tunnel is its minute (claimed in the database first when `quota_gate` says so: the
ClientHello hook then waits, and the early decision leaves it to the TLS layer).

A connection to a bare address (`CONNECT 157.240.1.35:443`, no SNI or an address as SNI) names no
site: what it reaches is whatever its requests' Host says. With the CA it is always intercepted, so
each request is decided on its own host; without it, the policy's `unnamed` setting decides at
CONNECT (policy/unnamed.py). An address in the SNI names nothing and is ignored (RFC 6066 allows
only host names there): a CONNECT to a name is decided on that name.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from mitmproxy import http, tcp, tls
from mitmproxy.net.tls import starts_like_tls_record
from mitmproxy.proxy import layer, layers
from mitmproxy.proxy.layers.tls import parse_client_hello

from policy.engine.hosts import canonical_host, is_address
from proxy_addons.auth.identity import Who
from proxy_addons.enforcing.deciding import Decider
from proxy_addons.pages import render as pages
from proxy_addons.tunnels.connections import ClientState, Connections
from proxy_addons.usage.counter import UsageCounter
from proxy_addons.usage.quota_gate import QuotaClaimNeeded

logger = logging.getLogger("watercooler.tunnels")


def _https_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"https://{shown}/" if port == 443 else f"https://{shown}:{port}/"


@dataclass
class TunnelDecider:
    decider: Decider
    counter: UsageCounter
    connections: Connections
    no_ca: bool = False

    def connect(self, flow: http.HTTPFlow, who: Who) -> None:
        """CONNECT host:port — remember who and where; with no CA, refuse what would need a page."""
        self.connections.remember(flow.client_conn, ClientState(who, flow.request.host))
        try:
            canonical_host(flow.request.host)
        except ValueError:
            flow.response = pages.plain_response(400, "the CONNECT target is not a valid host name")
            return
        url = _https_url(flow.request.host, flow.request.port)
        if self.no_ca and is_address(flow.request.host):
            decision = self.decider.decide_unnamed(who, url)
        else:
            decision = self.decider.decide(who, url)
        flow.metadata["watercooler"] = decision.action
        if self.no_ca and decision.action != "allow":
            kind = "blocked" if decision.action == "block" else "warned"
            if decision.site is not None and not decision.bundle:
                self.counter.sink.attempt(who.user, decision.site, decision.rule, kind, self.decider.clock.now())
            flow.response = pages.plain_response(403, decision.reason)

    def early_tunnel(self, nextlayer: layer.NextLayer) -> None:
        """Right after CONNECT, with the whole ClientHello in hand: tunnel a plain allow as raw TCP.

        The same decision as `client_hello`, taken before mitmproxy stacks its TLS layers, so the
        tunnel relays bytes as cheaply as mitmproxy's own `ignore_hosts`. An incomplete ClientHello
        (or anything else) is left to the TLS layer, which asks `client_hello` with the same rules.
        """
        context = nextlayer.context
        state = self.connections.get(context.client)
        if state is None or state.unavailable or state.connect_host is None or context.client.tls_established:
            return
        data = nextlayer.data_client()
        if not starts_like_tls_record(data):
            return
        try:
            hello = parse_client_hello(data)
        except ValueError:
            return
        try:
            tunnel = hello is not None and self._plain_tunnel(context, hello.sni)
        except QuotaClaimNeeded:
            return                                  # the ClientHello hook waits for the claim instead
        if tunnel:
            nextlayer.layer = layers.TCPLayer(context, ignore=True)

    def client_hello(self, data: tls.ClientHelloData) -> None:
        """Tunnel a plain allow for the SNI (and CONNECT host); intercept everything else."""
        if self._plain_tunnel(data.context, data.client_hello.sni):
            data.ignore_connection = True

    def _plain_tunnel(self, context: Any, sni: str | None) -> bool:
        client = context.client
        state = self.connections.get(client)
        if state is None or state.unavailable or state.connect_host is None:
            return False                            # no CONNECT seen: intercept and decide per request
        if sni and not _same_host(sni, state.connect_host) and not is_address(sni):
            logger.info("SNI %r differs from CONNECT %r: intercepting", sni, state.connect_host)
            return False
        unnamed = is_address(state.connect_host)
        if unnamed and not self.no_ca:
            return False                            # intercepted: each request is decided on its Host
        port = context.server.address[1] if context.server.address else 443
        now = self.decider.clock.now()
        url = _https_url(state.connect_host, port)
        decision = self.decider.decide_unnamed(state.who, url, now) if unnamed else \
            self.decider.decide(state.who, url, now=now)
        if decision.action != "allow" or (decision.needs_interception and not self.no_ca):
            return False
        self.counter.count(state.who.user, decision, now)         # may raise QuotaClaimNeeded
        self.connections.hold(client, state.who, url, decision.until, unnamed=unnamed, plain=not self.no_ca)
        return True

    def raw_tcp(self, flow: tcp.TCPFlow) -> None:
        """A non-HTTP stream inside CONNECT to a host that is not plainly allowed: never relay it."""
        state = self.connections.get(flow.client_conn)
        if state is None or state.connect_host is None:
            return
        port = flow.server_conn.address[1] if flow.server_conn.address else 443
        url = _https_url(state.connect_host, port)
        unnamed = is_address(state.connect_host)    # nothing inside names a site
        decision = self.decider.decide_unnamed(state.who, url) if unnamed else self.decider.decide(state.who, url)
        if state.unavailable or decision.action != "allow" or decision.needs_interception:
            flow.server_conn.error = "refused by Watercooler: not an HTTP request to a site allowed right now"
            return
        # Relayed from now on, unseen: closed at its decision's end, or when the policy withdraws it.
        self.connections.hold(flow.client_conn, state.who, url, decision.until, unnamed=unnamed, plain=True)


def _same_host(a: str, b: str) -> bool:
    try:
        return canonical_host(a) == canonical_host(b)
    except ValueError:
        return False


def mark_unavailable(connections: Connections, client: Any, who: Who, host: str | None) -> None:
    state = connections.get(client) or connections.remember(client, ClientState(who, host))
    state.unavailable = True
