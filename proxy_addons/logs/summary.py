"""One log line per kind of trouble per interval, not one per occurrence; nothing dropped uncounted.

When the proxy ran out of open files, asyncio's accept loop failed up to a hundred times per loop turn
and mitmproxy logged each failure as "Unhandled error in task." with a traceback: 102,302 tracebacks
(32 MB) in one fault run. This filter sits on mitmproxy's log handlers. The first record of a kind in an
interval goes out in full, traceback included; repeats within the interval are counted, and when it
ends one line says how many there were ("… and 1,234 more like it in the last 10 s: …").

A kind is the logger, the level, the message template (before its % arguments) and, for exceptions,
their type and errno; a record logged with `extra=DISTINCT` is a kind by its whole message, for lines
whose arguments are the trouble itself (each line of a rules error, each switched option). The filter
applies to warnings, errors and records with a traceback, to records logged with
`extra={"summarise": True}` (per-connection notices such as refused connections), and to mitmproxy's
per-connection notices listed in `PER_CONNECTION` (by their fixed beginning).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mitmproxy.log import MitmLogHandler

INTERVAL = 10.0
# mitmproxy logs these once per connection, with the connection's bytes in them: a flood of
# half-sent requests (each closed at its deadline) would otherwise print one line each.
DISTINCT = {"distinct": True}
PER_CONNECTION = ("Client closed connection before completing request headers",)


@dataclass
class _Window:
    ends: float
    first: logging.LogRecord
    repeats: int = 0


class Summariser(logging.Filter):
    """Summarises repeats for one handler (each handler counts what it alone would have printed)."""

    def __init__(self, handler: logging.Handler, interval: float = INTERVAL,
                 loop: asyncio.AbstractEventLoop | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.handler, self.interval, self.loop, self.clock = handler, interval, loop, clock
        self._windows: dict[tuple, _Window] = {}
        self._lock = threading.Lock()       # records arrive from worker threads too

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "summary", False):
            return True
        if record.levelno < logging.WARNING and not record.exc_info and not getattr(record, "summarise", False) \
                and not (isinstance(record.msg, str) and record.msg.startswith(PER_CONNECTION)):
            return True
        kind = _kind(record)
        now = self.clock()
        with self._lock:
            window = self._windows.get(kind)
            if window is not None and now < window.ends:
                window.repeats += 1
                first_repeat = window.repeats == 1
            else:
                self._windows[kind] = _Window(now + self.interval, record)
        if window is not None and now >= window.ends:
            self._report(kind, window)          # an earlier window no timer closed (no loop to run one)
            return True
        if window is not None:
            if first_repeat:
                self._close_later(kind, window)
            return False
        return True

    def flush(self) -> None:
        """Report every open window now (at shutdown)."""
        with self._lock:
            windows = list(self._windows.items())
        for kind, window in windows:
            self._report(kind, window)

    def _close_later(self, kind: tuple, window: _Window) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        delay = max(0.0, window.ends - self.clock())
        # RuntimeError: the loop is shutting down; the next record or flush() reports it.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(loop.call_later, delay, self._report, kind, window)

    def _report(self, kind: tuple, window: _Window) -> None:
        with self._lock:
            if self._windows.get(kind) is window:
                del self._windows[kind]
            repeats, window.repeats = window.repeats, 0
        if not repeats:
            return
        first = window.first
        line = logging.LogRecord(first.name, first.levelno, first.pathname, first.lineno,
                                 f"… and {repeats:,} more like it in the last {self.interval:.0f} s: "
                                 f"{_one_line(first)}", None, None)
        line.summary = True
        self.handler.handle(line)


def install(interval: float = INTERVAL) -> list[Summariser]:
    """Put a summariser on each of mitmproxy's log handlers (its terminal log) that has none yet.

    Only mitmproxy's own: a handler someone else put on the root logger (an embedding program's, a
    test runner's) outlives this proxy and must print what its owner expects."""
    try:
        loop: Any = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    added = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, MitmLogHandler) and not any(isinstance(f, Summariser) for f in handler.filters):
            summariser = Summariser(handler, interval, loop)
            handler.addFilter(summariser)
            added.append(summariser)
    return added


def _kind(record: logging.LogRecord) -> tuple:
    exc = record.exc_info[1] if record.exc_info else None
    template = record.getMessage() if getattr(record, "distinct", False) else str(record.msg)
    template = next((start for start in PER_CONNECTION if template.startswith(start)), template)
    return (record.name, record.levelno, template, type(exc).__name__ if exc else None, getattr(exc, "errno", None))


def _one_line(record: logging.LogRecord) -> str:
    message = record.getMessage().splitlines()[0] if record.getMessage() else ""
    exc = record.exc_info[1] if record.exc_info else None
    return f"{message} ({type(exc).__name__}: {exc})" if exc is not None else message
