"""The local append-only spool: every batch is fsync'd here before the database sees it.

A write-ahead log in segment files (`data/spool/NODE/0000000001.jsonl`, one JSON line per record).
The database writer reads it back in order and the segments it has finished with are deleted, so a
SIGKILL loses only what had not reached the spool yet, whatever the database was doing. Each folder
is a slot owned by one process through a file lock; a restarted process takes the first free slot
and replays what is left in it.

Disk trouble (full, read-only, refusing to delete) never corrupts it: a batch is written at the
offset the reader trusts and a failed write is cut off again, a segment that failed is never
written to again, a segment name is never used twice, a file that cannot be deleted yet is deleted
later, and the reader takes a batch only whole (its first line says how many records it has).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import TextIO

from storage.privacy.private import open_private, private_folder
from storage.spool.records import Record, to_line
from storage.spool.segments import Bin, Chunk, Segment, create_segment, read_segment, segment_number, write_at

log = logging.getLogger(__name__)
ROTATE_BYTES = 1 << 20
ROTATE_SECONDS = 60.0   # old, fully written segments go away soon after the database has them


class Spool:
    def __init__(self, root: Path, node: str, *, rotate_bytes: int = ROTATE_BYTES,
                 rotate_seconds: float = ROTATE_SECONDS) -> None:
        self.node, self.folder, self._lock_file = _claim_slot(root, node)
        self._rotate_bytes, self._rotate_seconds = rotate_bytes, rotate_seconds
        self._lock = threading.Lock()
        self._segments = [Segment.existing(p) for p in sorted(self.folder.glob("*.jsonl"))]
        self._next_number = max((segment_number(s.path) for s in self._segments), default=0) + 1
        self._bin = Bin()           # deletes used segments, later if the folder refuses now
        self.leftover = sum(s.records for s in self._segments)   # from a previous run: replayed
        self.leftover_segments = list(self._segments)            # for counting what the database lacks
        self.appended = self.leftover   # records ever written to this slot's live segments
        self.read_total = 0             # of those, records the database has
        self._cursor = 0            # byte offset read so far in the first segment
        self._fd: int | None = None  # the active segment, written at explicit offsets only
        self.torn = False           # the last refused append may have left part of its batch on disk
        self.room = 0               # bytes of it the disk took before refusing the rest

    @property
    def backlog(self) -> int:
        """Records in the spool that the database does not have yet."""
        return self.appended - self.read_total

    def append(self, batch: str, records: list[Record]) -> None:
        """Write one batch and fsync it; raises OSError (disk full, read-only...) and then holds nothing
        of it: the segment is back at its last whole batch and is not written to again. `torn` then
        says whether a copy of it may be on disk all the same (the cut or the fsync failed), `room`
        how many of its bytes the disk took before it refused (a smaller batch may fit there)."""
        lines = [to_line(batch, r) for r in records]
        if lines:
            lines[0]["n"] = len(lines)   # the reader takes the batch only whole
        data = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
        with self._lock:
            self.torn, self.room = False, 0
            active = self._active_segment()
            start = active.size
            try:
                fd = self._open_fd()
                write_at(fd, data, start)
            except OSError:
                self.room = _size(fd) - start
                self.torn = not self._abandon_active(start)
                raise
            try:
                os.fsync(fd)
            except OSError:
                self._abandon_active(start)
                self.torn = True      # what reached the disk before the error is not known
                raise
            active.size, active.records = start + len(data), active.records + len(records)
            self.appended += len(records)

    def read(self, max_records: int = 2000) -> Chunk | None:
        """The oldest whole batches not yet in the database (None when there are none)."""
        with self._lock:
            self._bin.retry()
            while self._segments:
                first = self._segments[0]
                chunk = read_segment(first, self._cursor, max_records)
                if chunk.batches:
                    return chunk
                if chunk.end > self._cursor:      # only unreadable or torn lines: step over them
                    self._advance(chunk)
                elif first.closed and self._cursor >= first.size:
                    self._drop_first()            # fully consumed, and nothing more will come
                else:
                    return None
            return None

    def consumed(self, chunk: Chunk) -> None:
        """The database has `chunk`: move past it and delete segments nobody needs any more."""
        with self._lock:
            if self._segments and self._segments[0] is chunk.segment:
                self._advance(chunk)

    def _advance(self, chunk: Chunk) -> None:
        self._cursor = chunk.end
        self.read_total += chunk.records
        if chunk.segment.closed and self._cursor >= chunk.segment.size:
            self._drop_first()

    def close(self) -> None:
        """Release the slot; a fully consumed spool leaves no file behind."""
        with self._lock:
            self._close_fd()
            for segment in self._segments:
                segment.closed = True
            if len(self._segments) == 1 and self._cursor >= self._segments[0].size:
                self._drop_first()
        self._lock_file.close()

    def _active_segment(self) -> Segment:
        active = self._segments[-1] if self._segments and not self._segments[-1].closed else None
        if active and (active.size >= self._rotate_bytes
                       or time.monotonic() - active.opened > self._rotate_seconds):
            self._close_active()
            active = None
        if active is None:
            path, self._fd = self._create_segment()
            active = Segment(path)
            self._segments.append(active)
        return active

    def _create_segment(self) -> tuple[Path, int]:
        path, fd, self._next_number = create_segment(self.folder, self._next_number)
        return path, fd

    def _abandon_active(self, good_size: int) -> bool:
        """After a failed write: cut the segment back to its whole batches and write to it no more.
        False when the cut failed (bytes of the failed batch stay past `good_size`)."""
        active = self._segments[-1]
        try:
            os.ftruncate(self._open_fd(), good_size)
        except OSError as exc:
            # The reader never looks past `good_size` in this process; say where the torn bytes are.
            log.error("could not cut the usage spool file %s back to %d bytes after a failed write (%s)",
                      active.path, good_size, exc.strerror or exc)
            self._close_active()
            return False
        if good_size == 0:        # nothing in it: no empty file per retry while the disk is full
            self._segments.pop()
            self._close_fd()
            self._bin.delete(active.path)
            return True
        self._close_active()
        return True

    def _close_active(self) -> None:
        self._segments[-1].closed = True
        self._close_fd()
        if len(self._segments) == 1 and self._cursor >= self._segments[0].size:
            self._drop_first()    # nothing left to read in it: give its space back now

    def _open_fd(self) -> int:
        """The active segment's descriptor, which `_active_segment` opened."""
        if self._fd is None:
            raise RuntimeError("the usage spool has no open segment")
        return self._fd

    def _close_fd(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _drop_first(self) -> None:
        segment = self._segments.pop(0)
        self._cursor = 0
        self._bin.delete(segment.path)


def _size(fd: int) -> int:
    try:
        return os.fstat(fd).st_size
    except OSError:
        return 0


def _claim_slot(root: Path, node: str) -> tuple[str, Path, TextIO]:
    """The first spool folder for `node` no other live process holds: (slot name, folder, lock)."""
    private_folder(root)
    for n in range(1, 100):
        name = node if n == 1 else f"{node}.{n}"
        folder = private_folder(root / name)
        lock = os.fdopen(open_private(folder / ".lock", os.O_WRONLY | os.O_CREAT | os.O_APPEND), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        return name, folder, lock
    raise OSError(f"no free spool slot under {root}: 99 processes already hold one")
