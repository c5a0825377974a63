"""What a restart really replays: the records left in the spool whose batch the database lacks.

A spool segment is deleted only once it is closed and fully applied, so the previous run's segments
can still hold batches the database took (the run stopped before the segment rotated, or was killed
between a commit and the deletion). Counting lines would overstate the replay; batch ids say exactly.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable

from sqlalchemy import Connection, select

from storage.spool.segments import Segment, read_segment
from storage.usage.tables import AppliedBatch

CHUNK = 500   # batch ids per query, well under SQLite's bound-parameter limit


def count_unapplied(conn: Connection, segments: Iterable[Segment]) -> tuple[int, int]:
    """(records the database does not have yet, records it already has) in `segments`."""
    sizes: dict[str, int] = {}
    for segment in segments:
        if not segment.path.exists():
            continue
        for batch, records in read_segment(segment, 0, sys.maxsize).batches.items():
            sizes[batch] = sizes.get(batch, 0) + len(records)
    ids = sorted(sizes)
    applied: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        applied.update(conn.scalars(select(AppliedBatch.batch_id).where(AppliedBatch.batch_id.in_(ids[i:i + CHUNK]))))
    waiting = sum(n for batch, n in sizes.items() if batch not in applied)
    return waiting, sum(sizes.values()) - waiting
