"""The supervisor's side of the workers' lines: Continues relayed to every other worker, and kept.

Each line a worker sends is a Continue (see proxy_addons/worker_channel.py) or `ready`. A Continue goes
to every other worker at once and is kept, newest per (who, rule, site), so a worker started later (a
replacement) gets those still held. The hub never reads the times it relays: workers may run a test
clock. It keeps at most MAX_KEPT Continues, forgetting the oldest first.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

MAX_KEPT = 100_000
MAX_LINE = 64 * 1024


class Hub:
    def __init__(self) -> None:
        self.kept: dict[tuple, bytes] = {}
        self.writers: dict[int, asyncio.StreamWriter] = {}

    async def serve(self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    ready: Callable[[], None]) -> None:
        """Relay what worker `index` says until its end closes; `ready` is called when it listens."""
        for line in self.kept.values():
            writer.write(line)
        self.writers[index] = writer
        try:
            while line := await reader.readline():
                self._take(index, line, ready)
        except (OSError, ValueError):
            pass                        # a broken or overlong line: the worker is replaced anyway
        finally:
            if self.writers.get(index) is writer:
                del self.writers[index]
            writer.close()

    def _take(self, index: int, line: bytes, ready: Callable[[], None]) -> None:
        try:
            message = json.loads(line)
            key = tuple(message["continued"][:3]) if "continued" in message else None
        except (ValueError, TypeError, KeyError):
            return
        if message.get("ready"):
            ready()
        if key is None:
            return
        self.kept.pop(key, None)
        self.kept[key] = line
        if len(self.kept) > MAX_KEPT:
            del self.kept[next(iter(self.kept))]
        for other, writer in self.writers.items():
            if other != index and not writer.is_closing():
                writer.write(line)
