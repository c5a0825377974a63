"""One spool segment file, and reading whole batches back out of it."""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from storage.records import Record, from_line

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Segment:
    path: Path
    size: int = 0               # bytes known to be fsync'd (the reader never looks past them)
    records: int = 0            # records in those bytes
    closed: bool = False        # no more appends: deleted once fully read
    opened: float = field(default_factory=time.monotonic)

    @classmethod
    def existing(cls, path: Path) -> "Segment":
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
    """Batches from `start`, stopping at a batch boundary once `max_records` are collected."""
    batches: dict[str, list[Record]] = {}
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
            batch, record = from_line(json.loads(raw))
        except (ValueError, KeyError, TypeError):
            log.warning("skipping an unreadable line in the spool file %s at byte %d", segment.path, offset)
            batch, record = None, None
        if batch != last_batch and lines >= max_records:
            break
        offset += len(raw)
        lines += 1
        pending_end = offset
        if batch is not None:
            batches.setdefault(batch, []).append(record)
            last_batch = batch
    return Chunk(segment, batches, pending_end, lines)
