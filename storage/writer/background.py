"""The background writer: records in, batches to the spool, spool to the database. Never on the loop.

`put` only appends to a thread-safe queue. A spooler thread cuts batches (after at most `max_delay`
seconds or `max_rows` records) and fsyncs each to the spool; a database thread applies the spool in
order, in its own time: a slow or absent database delays the database, never a request, and never
risks more than the batch being cut when the process is killed. A spool that refuses writes (disk
full, folder read-only) is tried again every second, and at once whenever the database has taken
spooled records (on a small disk that is when room comes back); meanwhile batches wait in bounded
memory.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine

from storage.db import describe
from storage.spool.folder import Spool
from storage.spool.handoff import SpoolHandOff
from storage.spool.records import Record
from storage.writer.database import DatabaseLoop
from storage.writer.health import STALL_AFTER, DbHealth
from storage.writer.health_report import HealthWatch

log = logging.getLogger("watercooler.storage")


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.target = 0             # spool position (records appended) the database must reach


class _Room:
    """Queued by the database thread once it has taken spooled records: try the held ones now."""


class UsageWriter:
    def __init__(self, engine: Engine, spool: Spool, *, max_delay: float = 1.0, max_rows: int = 500,
                 jobs: Callable[[Connection], None] | None = None, handoff: SpoolHandOff | None = None,
                 stall_after: float = STALL_AFTER) -> None:
        self.spool, self.max_delay, self.max_rows = spool, max_delay, max_rows
        self.handoff = handoff or SpoolHandOff(spool)
        self.health = DbHealth(describe(engine.url), str(spool.folder), stall_after)
        self._queue: queue.SimpleQueue[Record | _Flush | _Room | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._due = threading.Event()        # a batch is due before its second is up
        self.db = DatabaseLoop(engine, spool, self.health, self._stop, jobs, self._room)
        self._spooler = threading.Thread(target=self._spool_loop, name="watercooler-spool", daemon=True)
        self.watch = HealthWatch(self.health, lambda: self.spool.backlog, spool.folder, spool.node)
        self._spooler.start()
        self.db.start()
        self.watch.start()

    def put(self, record: Record) -> None:
        """Queue a record; safe from any thread, never blocks."""
        self._queue.put(record)
        if self._queue.qsize() >= self.max_rows:
            self._due.set()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is in the database; False if it is not by `timeout`."""
        token = _Flush()
        self._queue.put(token)
        self._due.set()
        return token.done.wait(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Spool what is queued, give the database `timeout` seconds to take it, stop. True if drained."""
        drained = self.flush(timeout)
        self._stop.set()
        self._queue.put(None)
        self._due.set()
        self._spooler.join(timeout=5)
        self.db.join(timeout=5)
        self.watch.close()
        self.spool.close()
        if not drained:
            log.warning("usage database %s did not take everything before shutdown: %d records stay in "
                        "the spool %s and are replayed at the next start", self.health.where,
                        self.spool.backlog, self.spool.folder)
        return drained

    def _room(self) -> None:
        """From the database thread, after it took spooled records: on a small disk that is the room
        held usage waits for, so it is tried at once, not at the next retry."""
        if self.handoff.held:
            self.handoff.retry_at = 0.0
            self._queue.put(_Room())
            self._due.set()

    def status(self) -> dict[str, Any]:
        return {"database": self.health.state, "database_error": self.health.error,
                "database_since": self.health.since,
                "spool_error": self.handoff.error, "held": self.handoff.held,
                "dropped": self.handoff.dropped, "queued": self._queue.qsize(),
                "spooled": self.spool.backlog, "written": self.health.written,
                "written_per_second": self.health.rate(), "spool_folder": str(self.spool.folder)}

    def _spool_loop(self) -> None:
        # Woken once per batch, not once per record: the event loop's thread never ping-pongs the GIL
        # with this one. A batch is cut when its second is up, when `max_rows` wait, or on flush/stop.
        batch: list[Record] = []
        waiters: list[_Flush] = []
        parked: list[_Flush] = []      # flushes waiting for the spool to take what it refused
        deadline, stopping = None, False
        while True:
            if not batch and not waiters and not stopping:
                stopping = self._next(batch, waiters)     # sleep until there is work or a retry is due
            stopping = self._drain(batch, waiters) or stopping
            now = time.monotonic()
            deadline = deadline or (now + self.max_delay if batch else None)
            retry = self.handoff.held and now >= self.handoff.retry_at
            if stopping or waiters or retry or len(batch) >= self.max_rows or (deadline and now >= deadline):
                if batch:
                    self.handoff.add(batch)
                batch, deadline = [], None
                parked, waiters = parked + waiters, []
                spooled_before = self.spool.appended
                written_all = self.handoff.write()
                if self.spool.appended != spooled_before:
                    self.db.wake()       # on a small disk the database frees the room for the rest
                if written_all:
                    for waiter in parked:
                        waiter.target = self.spool.appended
                        self.db.wait_for(waiter)
                    parked = []
                if stopping:
                    self.handoff.give_up()
                    return
                continue
            due = [t for t in (deadline, self.handoff.retry_at if self.handoff.held else None) if t is not None]
            self._due.wait(max(0.0, min(due) - now) if due else 0.0)   # nothing due: wait for the queue
            self._due.clear()

    def _next(self, batch: list[Record], waiters: list[_Flush]) -> bool:
        """Wait for the next queued item (only until the next retry while the spool refuses)."""
        timeout = max(0.0, self.handoff.retry_at - time.monotonic()) if self.handoff.held else None
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return False
        return self._take(item, batch, waiters)

    def _drain(self, batch: list[Record], waiters: list[_Flush]) -> bool:
        """Move queued items into the batch (up to `max_rows`); True once the stop sentinel is seen."""
        while len(batch) < self.max_rows and not waiters:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return False
            if self._take(item, batch, waiters):
                return True
        return False

    @staticmethod
    def _take(item: Record | _Flush | _Room | None, batch: list[Record], waiters: list[_Flush]) -> bool:
        if item is None:
            return True
        if isinstance(item, _Flush):
            waiters.append(item)
        elif not isinstance(item, _Room):      # a wake-up only: the loop sees the retry is due
            batch.append(item)
        return False
