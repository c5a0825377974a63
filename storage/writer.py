"""The background writer: records in, batches to the spool, spool to the database. Never on the loop.

`put` only appends to a thread-safe queue. A spooler thread cuts batches (after at most `max_delay`
seconds or `max_rows` records) and fsyncs each to the spool; a database thread applies the spool in
order, in its own time: a slow or absent database delays the database, never a request, and never
risks more than the batch being cut when the process is killed.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable

from sqlalchemy import Engine

from storage.db import describe
from storage.health import DbHealth
from storage.records import Record, merge_attempts
from storage.spool import Spool
from storage.writer_db import DatabaseLoop

log = logging.getLogger("watercooler.storage")


class _Flush:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.target = 0             # spool position (records appended) the database must reach


class UsageWriter:
    def __init__(self, engine: Engine, spool: Spool, *, max_delay: float = 1.0, max_rows: int = 500,
                 jobs: Callable | None = None) -> None:
        self.spool, self.max_delay, self.max_rows = spool, max_delay, max_rows
        self.health = DbHealth(describe(engine.url), str(spool.folder))
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stop = threading.Event()
        self._spool_error: str | None = None
        self.db = DatabaseLoop(engine, spool, self.health, self._stop, jobs)
        self._spooler = threading.Thread(target=self._spool_loop, name="watercooler-spool", daemon=True)
        self._spooler.start()
        self.db.start()

    def put(self, record: Record) -> None:
        """Queue a record; safe from any thread, never blocks."""
        self._queue.put(record)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is in the database; False if it is not by `timeout`."""
        token = _Flush()
        self._queue.put(token)
        return token.done.wait(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Spool what is queued, give the database `timeout` seconds to take it, stop. True if drained."""
        drained = self.flush(timeout)
        self._stop.set()
        self._queue.put(None)
        self._spooler.join(timeout=5)
        self.db.join(timeout=5)
        self.spool.close()
        if not drained:
            log.warning("usage database %s did not take everything before shutdown: %d records stay in "
                        "the spool %s and are replayed at the next start", self.health.where,
                        self.spool.backlog, self.spool.folder)
        return drained

    def status(self) -> dict:
        return {"database": self.health.state, "database_error": self.health.error,
                "spool_error": self._spool_error, "queued": self._queue.qsize(),
                "spooled": self.spool.backlog, "written": self.health.written,
                "written_per_second": self.health.rate(), "spool_folder": str(self.spool.folder)}

    def _spool_loop(self) -> None:
        batch: list[Record] = []
        waiters: list[_Flush] = []
        deadline = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = ...               # the batch's time is up
            if isinstance(item, _Flush):
                waiters.append(item)
            elif item is not None and item is not ...:
                batch.append(item)
                deadline = deadline or time.monotonic() + self.max_delay
            if item is ... or item is None or waiters or len(batch) >= self.max_rows:
                if batch and not self._append(batch) and item is not None:
                    deadline = time.monotonic() + 1.0   # disk trouble: keep the batch, retry in a second
                    continue
                batch, deadline = [], None
                for waiter in waiters:
                    waiter.target = self.spool.appended
                    self.db.wait_for(waiter)
                waiters = []
            if item is None:
                return

    def _append(self, batch: list[Record]) -> bool:
        try:
            self.spool.append(uuid.uuid4().hex, merge_attempts(batch))
        except OSError as exc:
            if self._spool_error is None:
                log.error("cannot write the usage spool in %s (%s): usage is kept in memory until it can",
                          self.spool.folder, exc.strerror or exc)
            self._spool_error = str(exc.strerror or exc)
            return False
        self._spool_error = None
        self.db.wake()
        return True
