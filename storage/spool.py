"""The local append-only spool: every batch is fsync'd here before the database sees it.

A write-ahead log in segment files (`data/spool/NODE/0000000001.jsonl`, one JSON line per record).
The database writer reads it back in order and the segments it has finished with are deleted, so a
SIGKILL loses only what had not reached the spool yet, whatever the database was doing. Each folder
is a slot owned by one process through a file lock; a restarted process takes the first free slot
and replays what is left in it.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path

from storage.records import Record, to_line
from storage.spool_segments import Chunk, Segment, read_segment

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
        self.leftover = sum(s.records for s in self._segments)   # from a previous run: replayed
        self.appended = self.leftover   # records ever written to this slot's live segments
        self.read_total = 0             # of those, records the database has
        self._cursor = 0            # byte offset read so far in the first segment
        self._file = None

    @property
    def backlog(self) -> int:
        """Records in the spool that the database does not have yet."""
        return self.appended - self.read_total

    def append(self, batch: str, records: list[Record]) -> None:
        """Write one batch and fsync it; raises OSError (disk full...) and then writes nothing."""
        data = "".join(json.dumps(to_line(batch, r), separators=(",", ":")) + "\n"
                       for r in records).encode()
        with self._lock:
            active = self._active_segment()
            start = active.size
            try:
                self._file.write(data)
                self._file.flush()
                os.fsync(self._file.fileno())
            except OSError:
                self._file.truncate(start)   # never leave half a batch behind
                raise
            active.size, active.records = start + len(data), active.records + len(records)
            self.appended += len(records)

    def read(self, max_records: int = 2000) -> Chunk | None:
        """The oldest whole batches not yet in the database (None when there are none)."""
        with self._lock:
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
            if self._file:
                self._file.close()
                self._file = None
            for segment in self._segments:
                segment.closed = True
            if len(self._segments) == 1 and self._cursor >= self._segments[0].size:
                self._drop_first()
        self._lock_file.close()

    def _active_segment(self) -> Segment:
        active = self._segments[-1] if self._segments and not self._segments[-1].closed else None
        if active and (active.size >= self._rotate_bytes
                       or time.monotonic() - active.opened > self._rotate_seconds):
            active.closed = True
            self._file.close()
            active = None
            if len(self._segments) == 1 and self._cursor >= self._segments[0].size:
                self._drop_first()
        if active is None:
            number = int(self._segments[-1].path.stem) + 1 if self._segments else 1
            path = self.folder / f"{number:010d}.jsonl"
            self._file = open(path, "ab")
            _fsync_dir(self.folder)   # the new file's name must survive a crash too
            active = Segment(path)
            self._segments.append(active)
        return active

    def _drop_first(self) -> None:
        segment = self._segments.pop(0)
        self._cursor = 0
        segment.path.unlink(missing_ok=True)


def _claim_slot(root: Path, node: str):
    """The first spool folder for `node` no other live process holds: (slot name, folder, lock)."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        name = node if n == 1 else f"{node}.{n}"
        folder = root / name
        folder.mkdir(exist_ok=True)
        lock = open(folder / ".lock", "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        return name, folder, lock
    raise OSError(f"no free spool slot under {root}: 99 processes already hold one")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

