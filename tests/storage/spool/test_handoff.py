"""Handing batches to the spool: a refused batch keeps its id and is written once, in order, when the
disk takes it again; beyond the memory bound records are dropped, counted and logged."""
from __future__ import annotations

import errno
import os
from datetime import date, datetime, timedelta, timezone

from storage.spool.folder import Spool
from storage.spool.handoff import SpoolHandOff
from storage.spool.records import AttemptRecord, MinuteRecord
from tests.support.small_disk import small_disk

DAY = date(2026, 11, 26)
START = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def minutes(first: int, n: int) -> list[MinuteRecord]:
    return [MinuteRecord("alice", "facebook", "external-social", START + timedelta(minutes=first + i), DAY)
            for i in range(n)]


def spooled(spool: Spool) -> list[tuple[str, int]]:
    """(batch id, records) in the order the database gets them."""
    seen = []
    while chunk := spool.read():
        seen.extend((batch, len(records)) for batch, records in chunk.batches.items())
        spool.consumed(chunk)
    return seen


def test_a_refused_batch_keeps_its_id_and_reaches_the_spool_once_in_order(tmp_path, caplog):
    with small_disk(tmp_path / "disk") as disk:
        spool = Spool(disk.folder, "node-a")
        handoff = SpoolHandOff(spool)
        disk.fill()
        handoff.add(minutes(0, 60))
        assert not handoff.write() and not handoff.write()      # refused twice
        handoff.add(minutes(60, 40) + [AttemptRecord("bob", "x", "", DAY, "blocked")] * 3)
        assert handoff.held == 60 + 41 and handoff.error in ("No space left on device", "File too large")
        assert "usage is kept in memory (up to 100000 records)" in caplog.text
        disk.free()
        assert handoff.write()
        assert handoff.held == 0 and handoff.error is None and handoff.dropped == 0
        batches = spooled(spool)
        assert [n for _, n in batches] == [60, 41] and len({batch for batch, _ in batches}) == 2
        spool.close()


def test_beyond_the_memory_bound_records_are_dropped_counted_and_logged(tmp_path, caplog):
    with small_disk(tmp_path / "disk") as disk:
        spool = Spool(disk.folder, "node-a")
        handoff = SpoolHandOff(spool, max_held=50)
        disk.fill()
        for first in range(0, 200, 40):
            handoff.add(minutes(first, 40))
            handoff.write()
        assert (handoff.held, handoff.dropped) == (50, 150)
        assert "USAGE LOST" in caplog.text and "records dropped so far" in caplog.text
        disk.free()
        assert handoff.write()
        assert [n for _, n in spooled(spool)] == [40, 10]
        handoff.give_up()
        spool.close()


def test_shutting_down_with_usage_the_spool_refused_says_it_is_lost(tmp_path, caplog):
    with small_disk(tmp_path / "disk") as disk:
        spool = Spool(disk.folder, "node-a")
        handoff = SpoolHandOff(spool)
        disk.fill()
        handoff.add(minutes(0, 60))
        handoff.write()
        handoff.give_up()
        spool.close()
    assert "shutting down with 60 usage records that could not be written to the spool" in caplog.text


def test_a_batch_bigger_than_the_room_left_goes_in_halves_each_once(tmp_path):
    with small_disk(tmp_path / "disk", size=64 * 1024) as disk:
        disk.shrink()
        spool = Spool(disk.folder, "node-a")
        handoff = SpoolHandOff(spool)
        handoff.add(minutes(0, 1000))             # about 180 KB: more than the whole disk takes
        batches = []
        for _ in range(50):                       # what fits goes in; the database takes it: room again
            if handoff.write():
                break
            batches += spooled(spool)
        batches += spooled(spool)
        assert handoff.held == 0
        assert len(batches) > 1 and len({batch for batch, _ in batches}) == len(batches)
        assert sum(n for _, n in batches) == 1000 and handoff.dropped == 0
        spool.close()


def test_a_batch_whose_failed_write_may_be_on_disk_keeps_its_id_and_stays_whole(tmp_path, monkeypatch):
    spool = Spool(tmp_path, "node-a")
    handoff = SpoolHandOff(spool)
    handoff.add(minutes(0, 1))
    assert handoff.write()
    real_fsync = os.fsync

    def no_room(fd: int) -> None:             # the disk says so only when asked to make it durable
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(os, "fsync", no_room)
    handoff.add(minutes(1, 10))
    assert not handoff.write() and spool.torn
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert handoff.write()
    assert [n for _, n in spooled(spool)] == [1, 10]
    spool.close()
