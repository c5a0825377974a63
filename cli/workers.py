"""`watercooler proxy --workers N`: N proxy processes on ports PORT … PORT+N-1, each replaced when it ends.

One mitmproxy process is one event loop on one core. Workers are forked copies of this command, each
running what `watercooler proxy` runs (cli/worker_process.py), on one database and one rules folder
(quota minutes are claimed there, one budget per person); each listens on its own port so it sees its
clients' own addresses (mitmproxy reads no PROXY protocol, so nothing may stand between clients and
workers). The PAC file spreads clients over the
ports. The supervisor only starts, watches and replaces workers, and relays Continues between them
(cli/worker_hub.py): a worker that dies (even by SIGKILL) is started again at once on its port; the
others keep serving. SIGTERM or Ctrl-C stops them all, each writing its usage spool first.
"""
from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Callable

from cli.worker_hub import Hub
from cli.worker_process import ForkedWorker

FIRST_WAIT_S = 60.0       # a worker that never listens in this long at start is a failure
RESTART_DELAY_S = 0.2     # then doubled for a replacement that dies before it listens, up to 3.2 s


class Supervisor:
    def __init__(self, work: Callable[[int, int], int], count: int) -> None:
        self.work, self.count = work, count    # work(index, channel fd) -> exit code, run in the worker
        self.hub = Hub()
        self.stopping = asyncio.Event()
        self.processes: dict[int, ForkedWorker] = {}
        self.channels: dict[int, socket.socket] = {}     # the supervisor's ends: no worker may hold them
        self.ready: dict[int, asyncio.Event] = {}
        self.relays: dict[int, asyncio.Task] = {}        # the hub's task per worker, kept until replaced
        self.failed: int | None = None     # exit code of a worker that could not start at all

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, self.stopping.set)
        keepers = [asyncio.create_task(self._keep(index)) for index in range(self.count)]
        await self.stopping.wait()
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        await asyncio.gather(*keepers, return_exceptions=True)
        return self.failed or 0

    async def _keep(self, index: int) -> None:
        """Run worker `index` until the supervisor stops, starting it again whenever it ends."""
        delay, first = RESTART_DELAY_S, True
        while not self.stopping.is_set():
            ready = await self._start(index)
            process = self.processes[index]
            became_ready = asyncio.create_task(ready.wait())
            ended = asyncio.create_task(process.wait())
            await asyncio.wait({became_ready, ended}, timeout=FIRST_WAIT_S if first else None,
                               return_when=asyncio.FIRST_COMPLETED)
            if first and not ready.is_set():              # it cannot start: neither can the others
                if process.returncode is None:
                    process.kill()
                code = await process.wait()
                became_ready.cancel()
                if self.stopping.is_set():                # stopped for another worker's reason, told already
                    return
                self.failed = code or 2
                print(f"watercooler proxy: worker {index + 1} did not start (exit code {self.failed}); "
                      "stopping", file=sys.stderr, flush=True)
                self.stopping.set()
                return
            code = await ended
            became_ready.cancel()
            if self.stopping.is_set():
                return
            delay = RESTART_DELAY_S if ready.is_set() else min(delay * 2, 3.2)
            print(f"watercooler proxy: worker {index + 1} ended (exit code {code}); starting it again",
                  file=sys.stderr, flush=True)
            first = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)

    async def _start(self, index: int) -> asyncio.Event:
        ours, theirs = socket.socketpair()
        ready = self.ready[index] = asyncio.Event()
        held = [ours.fileno()] + [other.fileno() for other in self.channels.values() if other.fileno() >= 0]
        try:
            self.processes[index] = ForkedWorker(lambda: self.work(index, theirs.fileno()), held)
        finally:
            theirs.close()
        self.channels[index] = ours
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        self.relays[index] = asyncio.create_task(self.hub.serve(index, reader, writer, ready.set))
        return ready
