"""Batches on their way into the spool, held in bounded memory while the disk refuses them.

A batch gets its id once, when it is cut, and keeps it on every try: whatever copy reaches the
database is applied once. A batch bigger than the room a small disk has left (the disk took part of
it) is halved until the halves fit, each half a batch with an id of its own; only a batch of which
the failed write left nothing on disk is halved, so no copy of it under its old id can ever be
applied as well. While the spool cannot be written (disk full, folder read-only) batches wait here
in order, up to `MAX_HELD` records; what comes beyond that is dropped, counted and logged as an
error, because the alternative is the proxy running out of memory. The writer tries again every
second, and whenever the database has taken spooled records, so usage flows again as soon as the
disk takes it, without a restart.
"""
from __future__ import annotations

import errno
import logging
import time
import uuid
from collections import deque

from storage.spool.folder import Spool
from storage.spool.records import Record, merge_attempts

log = logging.getLogger("watercooler.storage")
MAX_HELD = 100_000      # records: about 20 MB (bench/spool_memory.py measures about 210 bytes each)
RETRY_EVERY = 1.0       # seconds between tries while the spool refuses
LOG_EVERY = 60.0        # seconds between repeated errors of one kind: a nearly full disk flaps
NO_ROOM = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)   # a smaller batch may fit where this one did not


class SpoolHandOff:
    def __init__(self, spool: Spool, max_held: int = MAX_HELD) -> None:
        self.spool, self.max_held = spool, max_held
        self._batches: deque[tuple[str, list[Record]]] = deque()
        self.held = 0                 # records waiting in memory for the spool
        self.dropped = 0              # records lost because more than `max_held` were waiting
        self.error: str | None = None  # why the spool refused the last write, None once it takes them
        self.retry_at = 0.0
        self._refusal_logged: tuple[str, float] | None = None   # (reason, when) last logged
        self._recovery_due = False     # a refusal was logged: log when the spool takes writes again
        self._drop_logged_at = 0.0

    def add(self, records: list[Record]) -> None:
        """Hold one cut batch (attempts of one key summed) under a fresh id until it is written."""
        batch = merge_attempts(records)
        room = self.max_held - self.held
        if len(batch) > room:
            self._drop(batch[room:])
            batch = batch[:room]
        if batch:
            self._batches.append((uuid.uuid4().hex, batch))
            self.held += len(batch)

    def write(self) -> bool:
        """Append held batches to the spool, oldest first; True once none is left."""
        while self._batches:
            batch_id, records = self._batches[0]
            try:
                self.spool.append(batch_id, records)
            except OSError as exc:
                if exc.errno in NO_ROOM and self.spool.room > 0 and not self.spool.torn and len(records) > 1:
                    self._halve()
                    continue
                self._refused(exc)
                return False
            self._batches.popleft()
            self.held -= len(records)
        if self._recovery_due:
            log.warning("the usage spool in %s takes writes again; everything held in memory is in it",
                        self.spool.folder)
            self._recovery_due = False
        self.error = None
        return True

    def _halve(self) -> None:
        """The first batch does not fit in the room the disk has left (it took part of it): it goes as
        two batches of its own. Only for a batch of which nothing is on disk (the failed write was
        undone whole), so no copy under its old id can ever be applied next to the halves."""
        _, records = self._batches.popleft()
        half = len(records) // 2
        self._batches.appendleft((uuid.uuid4().hex, records[half:]))
        self._batches.appendleft((uuid.uuid4().hex, records[:half]))

    def give_up(self) -> None:
        """At shutdown with the spool still refusing: what is held is lost; say so, loudly."""
        if self.held:
            log.error("shutting down with %d usage records that could not be written to the spool in %s "
                      "(%s): they are lost", self.held, self.spool.folder, self.error)

    def _refused(self, exc: OSError) -> None:
        reason, now = str(exc.strerror or exc), time.monotonic()
        if not self._refusal_logged or self._refusal_logged[0] != reason or \
                now - self._refusal_logged[1] >= LOG_EVERY:
            self._refusal_logged, self._recovery_due = (reason, now), True
            log.error("cannot write the usage spool in %s (%s): usage is kept in memory (up to %d "
                      "records) and written when the disk takes it", self.spool.folder, reason,
                      self.max_held)
        self.error = reason
        self.retry_at = now + RETRY_EVERY

    def _drop(self, records: list[Record]) -> None:
        self.dropped += len(records)
        now = time.monotonic()
        if now - self._drop_logged_at >= LOG_EVERY or self._drop_logged_at == 0.0:
            log.error("USAGE LOST: the usage spool in %s refuses writes (%s) and %d records already wait "
                      "in memory; %d records dropped so far. Free space on that disk or make the folder "
                      "writable.", self.spool.folder, self.error, self.max_held, self.dropped)
            self._drop_logged_at = now
