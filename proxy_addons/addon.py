"""The Watercooler addon: mitmproxy hooks wired to the policy, the pages and the usage counter.

Each hook is thin: it marks the flow as seen by Watercooler (the guard refuses unmarked ones), works
out who is asking, and hands over to `enforce` (HTTP requests), `websockets` (their messages) or
`tunnels` (CONNECT, ClientHello, raw TCP). An HTTP request is decided once, at `requestheaders`, before
any byte of it can reach the site; the `request` hook only reads the bodies the proxy itself needs (the
warn page's Continue form, reads on read-only sites). Options that would let bytes past the decision
are refused or switched off at start (`bypass_options`, `streaming`). Panel logins (`panel_auth`) run
first inside the same hooks: they say who is asking. Any exception while deciding fails closed — the
"policy unavailable" page — unless `watercooler_fail=open` is set, which is logged as a warning at
start and on every such request.

Watercooler is one addon on purpose. mitmproxy hands every event to every entry of its addon chain
(about eight per plain HTTP request, counting the `update` after each flow event), each time through a
context manager, a coroutine and generators, whether or not the entry has a hook for it; nested addons
add a generator step and an attribute lookup per event. As three entries Watercooler cost 5.4% more
instructions per plain HTTP request than bare mitmproxy; as one, with its hooks, 1.6% (`bench/README.md`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from mitmproxy import connection, ctx, exceptions, http, tcp, tls
from mitmproxy.proxy import layer, server_hooks
from mitmproxy.utils import asyncio_utils

from proxy_addons import options
from proxy_addons.auth import login_only
from proxy_addons.auth.identity import Who, identify
from proxy_addons.auth.panel_auth import PanelAuth
from proxy_addons.defences import bypass_options
from proxy_addons.defences.failsafe import failsafe, report
from proxy_addons.defences.guard import MARK, install_guard
from proxy_addons.enforcing.enforce import KEEP_BODY
from proxy_addons.enforcing.streaming import BodyStreaming
from proxy_addons.enforcing.websockets import judge_message
from proxy_addons.logs import client_addresses
from proxy_addons.pages import answers
from proxy_addons.parts import Parts
from proxy_addons.rules.directory_watch import watch_directory
from proxy_addons.rules.overrides import watch_overrides
from proxy_addons.tunnels.connections import close_client
from proxy_addons.tunnels.https import mark_unavailable
from proxy_addons.usage.quota_gate import PendingClaim, QuotaClaimNeeded, claim_then, run_claiming
from proxy_addons.worker_channel import WorkerChannel

logger = logging.getLogger("watercooler")


class Watercooler:
    def __init__(self, guard: bool = True) -> None:
        self.parts = Parts()
        self.logins = PanelAuth()   # watercooler_auth=panel
        self.streaming = BodyStreaming()   # stream_large_bodies, applied after deciding
        self.guard = guard        # only a script (`mitmdump -s`) can be unloaded under us: see guard.py
        self._adopted: int | None = None     # open connections taken over from the script loaded before
        self._watch_task: asyncio.Task[Any] | None = None
        self._overrides_task: asyncio.Task[Any] | None = None
        self._directory_task: asyncio.Task[Any] | None = None
        # mitmproxy looks each hook up on the addon for every event and calls what it finds, which costs
        # a plain HTTP request about ten calls: the response-headers hook is there only while bodies stream.
        self.responseheaders: Callable[[http.HTTPFlow], None] | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    def load(self, loader) -> None:
        options.declare(loader)
        self.logins.load(loader)
        client_addresses.install(show=False)   # from the first connection on, until an option says otherwise

    def configure(self, updated: set[str]) -> None:
        if self._adopted is None:
            self._adopted = self.parts.take_over(getattr(ctx, "master", None)) if self.guard else 0
        self.logins.configure(updated)
        if "watercooler_log_addresses" in updated:
            client_addresses.install(show=ctx.options.watercooler_log_addresses)
        try:
            bypass_options.refuse_bypasses(ctx.options, updated)
            if "stream_large_bodies" in updated:
                self.streaming.take(ctx.options)
                self.responseheaders = self.streaming.response if self.streaming.limit is not None else None
            changed = self.parts.configure(ctx.options, updated, ctx.master.addons.get("proxyauth"))
        except ValueError as exc:
            raise exceptions.OptionsError(str(exc)) from None
        safe = bypass_options.safe_values(ctx.options, updated)
        if safe:
            ctx.options.update(**safe)
        if changed and self._watch_task is not None:
            self._log_settings()

    def running(self) -> None:
        # mitmproxy may announce `running` twice to a script loaded while the proxy starts.
        if self._watch_task is None:
            if self.guard:
                install_guard(self)
            if self._adopted:           # loaded again by the reloader: the rules may have changed meanwhile
                self.parts.redecide()
            self._log_settings()
            self._watch_task = asyncio_utils.create_task(self.parts.holder.watch(), name="watercooler rules watcher",
                                                         keep_ref=True)
            self._overrides_task = asyncio_utils.create_task(
                watch_overrides(self.parts.holder, lambda: self.parts.overrides_reader, lambda: self.parts.clock.now()),
                name="watercooler overrides watcher", keep_ref=True)
            self._directory_task = asyncio_utils.create_task(
                watch_directory(self.parts.holder, lambda: self.parts.directory_reader),
                name="watercooler directory watcher", keep_ref=True)
            if ctx.options.watercooler_worker_channel >= 0:
                channel = WorkerChannel(ctx.options.watercooler_worker_channel, self.parts.continued,
                                        lambda: self.parts.signer, lambda: self.parts.clock.now(), ctx.master.shutdown)
                asyncio_utils.create_task(channel.run(), name="watercooler worker channel", keep_ref=True)

    def done(self) -> None:
        if self._watch_task is not None:
            self._watch_task.cancel()
            self._watch_task = None
        self._overrides_task = None
        if self._directory_task is not None:
            self._directory_task.cancel()
            self._directory_task = None
        if self.guard:          # a script that the reloader may run again: what it knew is not forgotten
            self.parts.hand_over(getattr(ctx, "master", None))
        self.parts.close()
        self.logins.done()

    def _log_settings(self) -> None:
        holder = self.parts.holder
        logger.info(options.summary(ctx.options, holder.files if holder.policy is not None else None))
        directory = self.parts.directory_settings
        if directory is not None:
            logger.info("directory groups from %s, %s", directory.describe(),
                        "snapshots in the database" if ctx.options.watercooler_db else
                        f"read every {directory.refresh} s (no watercooler_db)")
        if ctx.options.watercooler_fail == "open":
            logger.warning("watercooler_fail=open: requests that cannot be decided are LET THROUGH; "
                           "use 'closed' unless you accept unfiltered traffic during failures")

    # --- hooks -----------------------------------------------------------------------------------
    # A hook hands mitmproxy a coroutine only when a panel password must be checked, or a new quota
    # minute claimed in the usage database (both in worker threads); otherwise it is plain and costs
    # no await.
    def requestheaders(self, flow: http.HTTPFlow):
        self.parts.limits.head_received(flow)
        login = self.logins.requestheaders(flow)
        if login is not None:
            return self._decide_after(login, flow)
        return self._decide(flow)

    async def _decide_after(self, login, flow: http.HTTPFlow) -> None:
        await login
        claiming = self._decide(flow)
        if claiming is not None:
            await claiming

    def _decide(self, flow: http.HTTPFlow):
        """Decide a request on its headers: nothing of it has gone to the site yet."""
        if flow.response is not None or not flow.live:   # proxyauth or the panel login asked for credentials
            if flow.response is not None and flow.response.status_code == 407 and self.parts.login_only:
                flow.response.headers[login_only.HEADER] = "1"     # what `remote-endpoint` checks before relaying
            return None
        flow.metadata[MARK] = "request"
        try:          # the busiest hook: a plain try rather than `failsafe`, same outcome
            self.parts.enforcer.request(flow, self._who(flow.metadata, flow.client_conn))
        except QuotaClaimNeeded as needed:      # a new quota minute is claimed first: the one await
            return self._decide_after_claim(needed.claim, flow)
        except Exception as exc:
            self._undecided(flow, exc)
        if flow.response is not None or KEEP_BODY in flow.metadata or self.streaming.limit is not None:
            self._stream_or_keep(flow)          # (a plain allow with nothing streamed has nothing to do)
        return None

    async def _decide_after_claim(self, claim: PendingClaim, flow: http.HTTPFlow) -> None:
        await claim_then(self.parts.quota_gate, claim, lambda: self._decide_again(flow),
                         lambda exc: self._undecided(flow, exc))
        self._stream_or_keep(flow)

    def _decide_again(self, flow: http.HTTPFlow) -> None:
        """After a claim: decided again, on the database's answer."""
        if flow.live and flow.response is None:
            self.parts.enforcer.request(flow, self._who(flow.metadata, flow.client_conn))

    def _undecided(self, flow: http.HTTPFlow, exc: Exception) -> None:
        let_through = report(f"{flow.request.method} {flow.request.host}", exc,
                             ctx.options.watercooler_fail == "open")
        flow.response = None if let_through else answers.unavailable(flow.request.host)

    def _stream_or_keep(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or KEEP_BODY in flow.metadata:
            flow.request.stream = False     # the proxy answers, or reads the body itself: it stays here
        elif self.streaming.limit is not None:
            self.streaming.request(flow)

    def http_connect(self, flow: http.HTTPFlow):
        self.parts.limits.head_received(flow)
        login = self.logins.http_connect(flow)
        if login is not None:
            return self._connect_after(login, flow)
        self._connect(flow)
        return None

    async def _connect_after(self, login, flow: http.HTTPFlow) -> None:
        await login
        self._connect(flow)

    def _connect(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:          # proxyauth or the panel login asked for credentials
            return
        flow.metadata[MARK] = "connect"
        who = self._who(flow.metadata, flow.client_conn)
        with self._failsafe(f"CONNECT {flow.request.host}") as failed:
            self.parts.tunnels.connect(flow, who)
        if failed.closed:
            if self.parts.no_ca:
                flow.response = answers.unavailable(flow.request.host)
            else:
                mark_unavailable(self.parts.connections, flow.client_conn, who, flow.request.host)

    def next_layer(self, nextlayer: layer.NextLayer) -> None:
        # On failure nothing is set: the TLS layer follows, and `tls_clienthello` decides again.
        with self._failsafe("TLS ClientHello (early)"):
            self.parts.tunnels.early_tunnel(nextlayer)

    def tls_clienthello(self, data: tls.ClientHelloData):
        return run_claiming(self.parts.quota_gate, lambda: self.parts.tunnels.client_hello(data),
                            lambda exc: self._client_hello_undecided(data, exc))

    def _client_hello_undecided(self, data: tls.ClientHelloData, exc: Exception) -> None:
        if report(f"TLS ClientHello {data.client_hello.sni}", exc, ctx.options.watercooler_fail == "open"):
            data.ignore_connection = True      # fail open, as configured
            return
        state = self.parts.connections.get(data.context.client)
        if state is not None:
            state.unavailable = True

    def request(self, flow: http.HTTPFlow) -> None:
        """Only for requests whose body the proxy reads itself; everything else was decided at requestheaders."""
        if flow.response is not None or KEEP_BODY not in flow.metadata or not flow.live:
            return
        with self._failsafe(f"{flow.request.method} {flow.request.host}") as failed:
            self.parts.enforcer.body(flow, self._who(flow.metadata, flow.client_conn))
        if failed.closed:
            flow.response = answers.unavailable(flow.request.host)

    def websocket_message(self, flow: http.HTTPFlow):
        flow.metadata[MARK] = "websocket"
        who = self._who(flow.metadata, flow.client_conn)
        return run_claiming(self.parts.quota_gate, lambda: self._websocket_message(flow, who),
                            lambda exc: self._websocket_undecided(flow, exc))

    def _websocket_message(self, flow: http.HTTPFlow, who: Who) -> None:
        refused = judge_message(self.parts.decider, self.parts.counter, self.parts.connections, flow, who)
        if refused is not None:
            close_client(flow.client_conn, refused)

    def _websocket_undecided(self, flow: http.HTTPFlow, exc: Exception) -> None:
        if not report(f"WebSocket {flow.request.host}", exc, ctx.options.watercooler_fail == "open"):
            if flow.websocket is not None:      # a message hook runs on a WebSocket flow
                flow.websocket.messages[-1].drop()
            close_client(flow.client_conn, "WebSocket could not be decided")

    def tcp_start(self, flow: tcp.TCPFlow) -> None:
        with self._failsafe("raw TCP in CONNECT") as failed:
            self.parts.tunnels.raw_tcp(flow)
        if failed.closed:
            flow.server_conn.error = "refused by Watercooler: the policy is unavailable"

    def client_connected(self, client: connection.Client) -> None:
        self.parts.limits.client_connected(client)

    def client_disconnected(self, client: connection.Client) -> None:
        self.parts.connections.forget(client)
        self.parts.limits.client_disconnected(client)

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        self.parts.mapper.server_connect(data)

    def server_connected(self, data: server_hooks.ServerConnectionHookData) -> None:
        self.parts.mapper.server_connected(data)

    def server_connect_error(self, data: server_hooks.ServerConnectionHookData) -> None:
        self.parts.mapper.server_connect_error(data)

    # --- helpers ---------------------------------------------------------------------------------
    def _who(self, metadata: dict, client: connection.Client) -> Who:
        # On a login-only port every client has the TLS terminator's address: it says nothing.
        return identify(metadata, None if self.parts.login_only else client.peername, self.parts.users)

    def _failsafe(self, what: str):
        return failsafe(what, ctx.options.watercooler_fail == "open")
