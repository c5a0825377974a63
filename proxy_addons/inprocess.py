"""Running mitmproxy in this process with the Watercooler addons (what `watercooler proxy` does).

No script file, so no reloader and none of its traps; the rules folder is still watched and reloaded.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from typing import Any

from mitmproxy import ctx, exceptions, options
from mitmproxy.tools.dump import DumpMaster

from proxy_addons.addon import Watercooler


class Announce:
    """Once the proxy listens: print where, the CA certificate to install, and a line to try.

    Then it leaves mitmproxy's addon chain: every entry there costs every request a little (addon.py)."""

    def __init__(self, lines: Callable[[list[tuple[str, int]]], list[str]]) -> None:
        self.lines = lines

    def running(self) -> None:
        proxyserver: Any = ctx.master.addons.get("proxyserver")
        addresses = [(str(a[0]), int(a[1])) for a in proxyserver.listen_addrs()] if proxyserver else []
        for line in self.lines(addresses):
            print(line, flush=True)
        ctx.master.addons.remove(self)
        freeze_start_up()


def freeze_start_up() -> None:
    """Keep what start-up built out of the garbage collector's full passes.

    Everything alive once the proxy listens (mitmproxy, the compiled policy, the libraries) lives as long
    as the process, yet every full collection would walk all of it again while requests wait: on the
    event loop that doubled a full pass. Frozen objects are still freed when their last reference goes;
    only cycles among them are never collected, so at most what start-up built (say, the first compiled
    policy, after a reload) stays in memory: a bounded, one-time cost."""
    gc.collect()
    gc.freeze()


async def serve(settings: dict[str, Any], extra: list[str], announce: Callable[[list[tuple[str, int]]], list[str]],
                on_error: Callable[[str], object]) -> int:
    """Run until SIGINT/SIGTERM; 0 on a clean stop, 2 when a setting is refused at start."""
    # As mitmdump does: everything reaches the terminal log, which filters by `termlog_verbosity`.
    logging.getLogger().setLevel(logging.DEBUG)
    for noisy in ("tornado", "asyncio", "hpack", "quic", "urwid", "sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    master = DumpMaster(options.Options(), with_termlog=True, with_dumper=True)
    # Privacy: no per-request lines (they would print paths) unless asked for with --set flow_detail=1.
    master.options.update(flow_detail=0)
    # A refused setting is rolled back, which configures the addons again with the old values; the
    # error worth showing is the first one, not one from that replay.
    refused: list[Exception] = []

    def remember(exc: Exception) -> None:
        refused.append(exc)
    master.options.errored.connect(remember)
    # `--set` wins over the flags it repeats.
    repeated = {spec.split("=", 1)[0] for spec in extra}
    specs = [name if value is None else f"{name}={value}" for name, value in settings.items()
             if name not in repeated] + extra
    try:
        # Every setting is in place before the addon loads, so its first configure sees neither the
        # option defaults (`watercooler_rules=rules`, relative to wherever the command was started)
        # nor half the settings: the usage database is opened once, with its timeouts.
        master.options.set(*specs, defer=True)
        # No script reloader here: no guard.
        master.addons.add(Watercooler(guard=False), Announce(announce))
        master.options.set(*specs)      # again, now that every option is known: refusals surface here
    except (exceptions.OptionsError, KeyError) as exc:
        on_error(str(refused[0] if refused else exc).strip().strip('"'))
        await master.done()
        return 2
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, master.shutdown)
    await master.run()
    return 0
