"""The writer's database thread: schema first, then the spool in order, then periodic jobs.

Transient trouble (unreachable, locked, timed out, connection cut) means: note it, wait a little
longer each time (up to 5 s), try again; the spool keeps everything meanwhile. A batch the database
keeps rejecting for what it contains is set aside in `rejected.jsonl` after a few tries, so one bad
record cannot stop the rest from being stored; while the disk will not take that file (full,
read-only) the batch stays first in the spool and the thread goes on trying, never stops.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, exc as sa_exc

from storage.db import StorageError, write_connection
from storage.migrate import upgrade
from storage.privacy.private import open_private
from storage.spool.folder import Spool
from storage.spool.records import to_line
from storage.spool.replay import count_unapplied
from storage.spool.segments import Chunk, write_at
from storage.writer.apply import apply_batches, forget_old_batches
from storage.writer.health import DbHealth, describe_error

log = logging.getLogger("watercooler.storage")
MIN_BACKOFF, MAX_BACKOFF = 0.25, 5.0
JOB_EVERY, PRUNE_EVERY = 10.0, 3600.0
REJECT_AFTER = 5
DRAIN_AT_STOP = 2.0
TRANSIENT = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
             sa_exc.DisconnectionError, StorageError, OSError)


class Waiter(Protocol):
    """A flush waiting for the database: `done` is set once it holds every record up to `target`."""
    done: threading.Event
    target: int


class DatabaseLoop(threading.Thread):
    def __init__(self, engine: Engine, spool: Spool, health: DbHealth, stop: threading.Event,
                 jobs: Callable[[Connection], None] | None, taken: Callable[[], None] | None = None) -> None:
        super().__init__(name="watercooler-db", daemon=True)
        self._taken = taken or (lambda: None)     # told after each chunk the database took
        self.engine, self.spool, self.health, self._stopping, self._jobs = engine, spool, health, stop, jobs
        self._cond = threading.Condition()
        self._woken = False
        self._waiters: list[Waiter] = []
        self._ready = False
        self.schema_ready = threading.Event()     # once set, the tables exist: readers may start
        self._replay_counted = False
        self._failures = 0

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify()

    def wait_for(self, waiter: Waiter) -> None:
        """Set `waiter.done` once the database has every record up to `waiter.target`."""
        with self._cond:
            self._waiters.append(waiter)
            self._release_waiters()
            self._woken = True
            self._cond.notify()

    def run(self) -> None:
        backoff, next_job, next_prune, stop_by = MIN_BACKOFF, 0.0, 0.0, None
        while True:
            if self._stopping.is_set():
                stop_by = stop_by or time.monotonic() + DRAIN_AT_STOP
                if self.spool.backlog == 0 or self.health.state != "up" or time.monotonic() > stop_by:
                    return
            chunk = None
            try:
                if not self._ready:
                    with self.health.working():
                        revision = upgrade(self.engine, patience_s=0)   # retried with this loop's backoff
                        self._count_replay()
                    self._ready = True
                    if not self.schema_ready.is_set():
                        log.info("usage database %s is ready (schema %s)", self.health.where, revision)
                        self.schema_ready.set()
                chunk = self.spool.read()
                if chunk:
                    self._apply(chunk)
                    backoff = MIN_BACKOFF
                    continue
                now = time.monotonic()
                if now >= next_job:
                    prune = now >= next_prune
                    self._run_jobs(prune)
                    next_job = now + JOB_EVERY
                    next_prune = now + PRUNE_EVERY if prune else next_prune
                self.health.up(self.spool.backlog)
                self._idle(min(1.0, max(0.0, next_job - time.monotonic())))
            except TRANSIENT as exc:
                self.health.down(exc)
                self._idle(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
            except Exception as exc:  # the database refused what we sent: retry, then set it aside
                self._ready = False    # re-check the schema (a dropped table is fixed by upgrading)
                self._failures += 1
                log.error("usage database %s refused a batch (%s: %s); try %d of %d",
                          self.health.where, type(exc).__name__, describe_error(exc), self._failures,
                          REJECT_AFTER)
                if chunk and self._failures >= REJECT_AFTER:
                    self._set_aside(chunk)
                self._idle(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)

    def _count_replay(self) -> None:
        if self._replay_counted or not self.spool.leftover:
            return
        with self.engine.connect() as conn:
            waiting, applied = count_unapplied(conn, self.spool.leftover_segments)
        self._replay_counted = True
        if waiting:
            log.warning("replaying %d usage records left in the spool by the previous run%s", waiting,
                        f" ({applied} more were already in the database)" if applied else "")
        else:
            log.info("the %d usage records left in the spool by the previous run are all in the database "
                     "already", applied)

    def _apply(self, chunk: Chunk) -> None:
        with self.health.working(), write_connection(self.engine) as conn, conn.begin():
            written = apply_batches(conn, self.spool.node, chunk.batches)
        self.health.up(self.spool.backlog)     # before this chunk leaves it: what there is to catch up on
        self.spool.consumed(chunk)
        self._taken()
        self._failures = 0
        self.health.wrote(written)
        with self._cond:
            self._release_waiters()

    def _run_jobs(self, prune: bool) -> None:
        with self.health.working(), write_connection(self.engine) as conn, conn.begin():
            if self._jobs:
                self._jobs(conn)
            if prune:
                forget_old_batches(conn)

    def _set_aside(self, chunk: Chunk) -> None:
        path = self.spool.folder / "rejected.jsonl"
        data = "".join(json.dumps(to_line(batch, r)) + "\n"
                       for batch, records in chunk.batches.items() for r in records).encode()
        try:
            append_whole(path, data)
        except OSError as exc:    # a full disk or a read-only folder: the batch stays first in the spool
            log.error("cannot set aside %d usage records the database keeps refusing in %s (%s); tried "
                      "again after the next refusals. Free space on that disk or make the folder writable.",
                      chunk.records, path, exc.strerror or exc)
            return
        log.error("set aside %d usage records the database keeps refusing in %s", chunk.records, path)
        self.spool.consumed(chunk)
        self._failures = 0
        with self._cond:
            self._release_waiters()

    def _release_waiters(self) -> None:
        done = [w for w in self._waiters if self.spool.read_total >= w.target]
        for waiter in done:
            waiter.done.set()
            self._waiters.remove(waiter)

    def _idle(self, seconds: float) -> None:
        with self._cond:
            if not self._woken and not self._stopping.is_set():
                self._cond.wait(seconds)
            self._woken = False


def append_whole(path: Path, data: bytes) -> None:
    """Append `data` to `path` and fsync it, or raise OSError with the file as it was (a write the disk
    cut short is cut off again, so a later try does not leave a torn copy before the whole one)."""
    fd = open_private(path, os.O_WRONLY | os.O_CREAT)
    try:
        size = os.fstat(fd).st_size
        try:
            write_at(fd, data, size)
            os.fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)
