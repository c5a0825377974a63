"""One spool segment file: creating it, writing batches at the offset the reader trusts, reading whole
batches back out of it."""
from __future__ import annotations

import errno
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from storage.privacy.private import FILE_MODE
from storage.spool.records import Record, from_line

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Segment:
    path: Path
    size: int = 0               # bytes known to be fsync'd (the reader never looks past them)
    records: int = 0            # records in those bytes
    closed: bool = False        # no more appends: deleted once fully read
    opened: float = field(default_factory=time.monotonic)

    @classmethod
    def existing(cls, path: Path) -> Segment:
        """A segment left by an earlier run: closed; a torn last line (SIGKILL mid-write) is ignored."""
        data = path.read_bytes()
        return cls(path, size=len(data), records=data.count(b"\n"), closed=True)


@dataclass
class Chunk:
    """Whole batches read from one segment, in order: batch id -> its records."""
    segment: Segment
    batches: dict[str, list[Record]]
    end: int                    # byte offset just past the last line read
    records: int                # lines consumed (including any skipped as unreadable)


def read_segment(segment: Segment, start: int, max_records: int) -> Chunk:
    """Batches from `start`, stopping at a batch boundary once `max_records` are collected.

    A batch's first line says how many records it has ("n"); a batch with fewer was cut off by a
    failed write the disk would not let us undo, and was written again whole later under the same
    id: the partial copy is skipped. (Lines from before "n" existed are taken as they come.)"""
    batches: dict[str, list[Record]] = {}
    announced: dict[str, int] = {}
    offset, lines, pending_end = start, 0, start
    with open(segment.path, "rb") as f:
        f.seek(start)
        data = f.read(segment.size - start)
    last_batch = None
    for raw in data.splitlines(keepends=True):
        if not raw.endswith(b"\n"):
            # Only a closed segment from a killed process can end mid-line: that line never counted.
            pending_end = segment.size if segment.closed else pending_end
            break
        try:
            line = json.loads(raw)
            batch, record = from_line(line)
        except (ValueError, KeyError, TypeError):
            log.warning("skipping an unreadable line in the spool file %s at byte %d", segment.path, offset)
            line, batch, record = None, None, None
        if batch != last_batch and lines >= max_records:
            break
        offset += len(raw)
        lines += 1
        pending_end = offset
        if batch is not None and record is not None:      # both or neither: set together above
            if isinstance(line.get("n"), int):        # a batch starts (again): an earlier copy was cut off
                batches[batch], announced[batch] = [], line["n"]
            batches.setdefault(batch, []).append(record)
            last_batch = batch
    for batch, size in announced.items():
        if len(batches[batch]) < size:
            log.warning("skipping %d of %d records of batch %s in the spool file %s: a write cut off "
                        "mid-batch", len(batches[batch]), size, batch, segment.path)
            del batches[batch]
    return Chunk(segment, batches, pending_end, lines)


def create_segment(folder: Path, number: int) -> tuple[Path, int, int]:
    """(path, fd, next number) of a new segment file numbered `number` or above, never an old file
    (one the folder would not let us delete keeps its name and its content)."""
    while True:
        path = folder / f"{number:010d}.jsonl"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            number += 1
            continue
        try:
            fsync_dir(folder)   # the new file's name must survive a crash too
        except OSError:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        return path, fd, number + 1


def write_at(fd: int, data: bytes, offset: int) -> None:
    """All of `data` at `offset`; a short write (the disk filling up) goes on until the kernel refuses."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        if written == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view, offset = view[written:], offset + written


class Bin:
    """Used segment files to delete; one the folder will not let go of (read-only) is tried again
    every second, so a folder that comes back is tidied without a restart."""

    def __init__(self) -> None:
        self._paths: list[Path] = []
        self._retry_at = 0.0

    def delete(self, path: Path) -> None:
        self._paths.append(path)
        self.retry(now=True)

    def retry(self, now: bool = False) -> None:
        if not self._paths or (not now and time.monotonic() < self._retry_at):
            return
        while self._paths:
            try:
                self._paths[0].unlink(missing_ok=True)
            except OSError as exc:
                if self._retry_at == 0.0:
                    log.warning("cannot delete the used usage spool file %s (%s); trying again every "
                                "second", self._paths[0], exc.strerror or exc)
                self._retry_at = time.monotonic() + 1.0
                return
            self._paths.pop(0)
        if self._retry_at:
            log.warning("deleted the used usage spool files that could not be deleted before")
            self._retry_at = 0.0


def segment_number(path: Path) -> int:
    try:
        return int(path.stem)
    except ValueError:
        return 0


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
