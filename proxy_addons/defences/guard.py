"""The last line of defence against failing open when the Watercooler addon itself is missing.

mitmproxy's `-s` reloader unloads the old script before importing the new one: while a saved script
has a syntax error, no Watercooler hooks run at all. This guard is added to mitmproxy's own addon
chain (not the script's), so it survives reloads; it sits after the script and refuses any request,
CONNECT or WebSocket message the Watercooler addon did not mark as decided, with "policy unavailable".

When the script file is deleted, mitmproxy 12's reloader goes further: it takes the path out of the
`scripts` option and stops watching it, so a restored file would never be loaded again. The guard
remembers which `-s` entry holds Watercooler, notices it leave `scripts`, waits (off the event loop)
for the file to exist again and puts the entry back, which makes mitmproxy load it as at start.
What the unloaded script's addon kept in memory alone (open connections, usage without a database)
is handed to the one loaded next (parts.py), which decides the connections again. A script broken at
start makes mitmdump exit ("Error logged during startup"); `watercooler proxy` has no reloader at all.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from mitmproxy import ctx, http
from mitmproxy.utils import asyncio_utils

from proxy_addons.logs.summary import DISTINCT
from proxy_addons.pages import answers, render as pages

MARK = "watercooler"
RESTORE_POLL_SECONDS = 1.0
logger = logging.getLogger("watercooler.guard")


class WatercoolerGuard:
    name = "watercoolerguard"

    def __init__(self) -> None:
        self.script: str | None = None     # the `scripts` entry (as given to -s) holding Watercooler
        self._position = 0
        self._restoring: asyncio.Task | None = None

    def watch_script(self, entry: str | None) -> None:
        if entry is not None:
            self.script, self._position = entry, list(ctx.options.scripts).index(entry)

    def configure(self, updated: set[str]) -> None:
        if "scripts" in updated and self.script and self.script not in ctx.options.scripts \
                and self._restoring is None:
            self._restoring = asyncio_utils.create_task(self._restore(self.script), name="watercooler script restore",
                                                        keep_ref=True)

    def done(self) -> None:
        if self._restoring is not None:
            self._restoring.cancel()
            self._restoring = None

    async def _restore(self, entry: str) -> None:
        path = os.path.expanduser(entry.strip("'\" "))
        logger.error("the Watercooler script %s was removed: every request is refused until it is back", path)
        while not await asyncio.to_thread(os.path.isfile, path):
            await asyncio.sleep(RESTORE_POLL_SECONDS)
        self._restoring = None
        scripts = list(ctx.options.scripts)
        if entry not in scripts:
            scripts.insert(min(self._position, len(scripts)), entry)
            logger.info("the Watercooler script %s is back: loading it", path)
            ctx.options.update(scripts=scripts)

    def _why(self) -> str:
        where = f" {self.script}" if self.script else ""
        return f"fix or restore the script{where}; it loads again within about two seconds"

    def http_connect(self, flow: http.HTTPFlow) -> None:
        if flow.response is None and MARK not in flow.metadata:
            logger.error("Watercooler addon is not loaded: refusing CONNECT (%s)", self._why(), extra=DISTINCT)
            flow.response = pages.plain_response(503, "Watercooler's policy is unavailable")

    def requestheaders(self, flow: http.HTTPFlow) -> None:
        # Watercooler decides at requestheaders; refusing here too means nothing of an undecided request
        # goes ahead, even if something turned on streaming of its body.
        self.request(flow)
        if flow.response is not None:
            flow.request.stream = False

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is None and MARK not in flow.metadata:
            logger.error("Watercooler addon is not loaded: refusing the request (%s)", self._why(), extra=DISTINCT)
            flow.response = answers.unavailable(flow.request.host)

    def websocket_message(self, flow: http.HTTPFlow) -> None:
        if MARK not in flow.metadata and flow.killable:
            flow.kill()


def install_guard(addon: Any) -> None:
    """Add the guard to mitmproxy's own chain, once per process, and tell it which script holds `addon`."""
    guard = ctx.master.addons.get(WatercoolerGuard.name)
    if guard is None:
        guard = WatercoolerGuard()
        ctx.master.addons.add(guard)
    guard.watch_script(script_holding(addon))


def script_holding(addon: Any) -> str | None:
    """The `-s` entry whose module lists `addon` (None when it was not loaded from a script)."""
    for entry in ctx.options.scripts:
        script = ctx.master.addons.get(f"scriptmanager:{entry}")
        if addon in getattr(getattr(script, "ns", None), "addons", ()):
            return entry
    return None
