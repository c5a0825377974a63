"""The last line of defence against failing open when the Watercooler addon itself is missing.

mitmproxy's `-s` reloader unloads the old script before importing the new one: while a saved script
has a syntax error, no Watercooler hooks run at all. This guard is added to mitmproxy's own addon
chain (not the script's), so it survives reloads; it sits after the script and refuses any request,
CONNECT or WebSocket message the Watercooler addon did not mark as decided, with "policy unavailable".
It cannot help before the script has loaded once; `watercooler proxy` has no reloader at all.
"""
from __future__ import annotations

import logging

from mitmproxy import ctx, http

from proxy_addons import answers, pages

MARK = "watercooler"
logger = logging.getLogger("watercooler.guard")


class WatercoolerGuard:
    name = "watercoolerguard"

    def http_connect(self, flow: http.HTTPFlow) -> None:
        if flow.response is None and MARK not in flow.metadata:
            logger.error("Watercooler addon is not loaded: refusing CONNECT (fix the script and it reloads)")
            flow.response = pages.plain_response(503, "Watercooler's policy is unavailable")

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is None and MARK not in flow.metadata:
            logger.error("Watercooler addon is not loaded: refusing the request (fix the script and it reloads)")
            flow.response = answers.unavailable(flow.request.host)

    def websocket_message(self, flow: http.HTTPFlow) -> None:
        if MARK not in flow.metadata and flow.killable:
            flow.kill()


def install_guard() -> None:
    """Add the guard to mitmproxy's own chain, once per process."""
    if ctx.master.addons.get(WatercoolerGuard.name) is None:
        ctx.master.addons.add(WatercoolerGuard())
