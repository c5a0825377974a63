"""The spool: batches come back whole and in order, survive the process, and leave nothing behind
once the database has them."""
from __future__ import annotations

import errno
import json
from datetime import date, datetime, timezone

import pytest

from storage.spool.folder import Spool
from storage.spool.records import MinuteRecord, to_line
from tests.support.net import poll
from tests.support.small_disk import read_only, small_disk

DAY = date(2026, 11, 26)


def records(n: int, user: str = "alice") -> list[MinuteRecord]:
    return [MinuteRecord(user, "facebook", "external-social",
                         datetime(2026, 11, 26, 10, i % 60, tzinfo=timezone.utc), DAY) for i in range(n)]


def drain(spool: Spool) -> list[str]:
    """Batch ids in the order the database would get them, consuming them."""
    seen = []
    while chunk := spool.read():
        seen.extend(chunk.batches)
        spool.consumed(chunk)
    return seen


def segment_files(spool: Spool) -> list[str]:
    return sorted(p.name for p in spool.folder.glob("*.jsonl"))


def test_batches_come_back_in_order_and_vanish_once_consumed(tmp_path):
    spool = Spool(tmp_path, "node-a")
    spool.append("b1", records(3))
    spool.append("b2", records(2, "bob"))
    assert spool.backlog == 5
    chunk = spool.read()
    assert list(chunk.batches) == ["b1", "b2"] and chunk.batches["b2"] == records(2, "bob")
    spool.consumed(chunk)
    assert spool.backlog == 0 and spool.read() is None
    spool.close()
    assert segment_files(spool) == []


def test_a_second_process_gets_its_own_slot(tmp_path):
    first, second = Spool(tmp_path, "node-a"), Spool(tmp_path, "node-a")
    assert (first.node, second.node) == ("node-a", "node-a.2")
    first.close()
    second.close()


def test_what_the_database_never_got_is_replayed_by_the_next_process(tmp_path):
    spool = Spool(tmp_path, "node-a")
    spool.append("b1", records(2))
    spool.append("b2", records(1))
    spool.close()                      # the database was down: the spool keeps both batches
    again = Spool(tmp_path, "node-a")
    assert again.leftover == 3 and again.backlog == 3
    again.append("b3", records(1))
    assert drain(again) == ["b1", "b2", "b3"]
    again.close()
    assert segment_files(again) == []


def test_a_line_torn_by_a_kill_is_ignored_and_the_rest_replayed(tmp_path):
    folder = tmp_path / "node-a"
    folder.mkdir()
    lines = [json.dumps(to_line("b1", r)) + "\n" for r in records(2)]
    (folder / "0000000001.jsonl").write_text("".join(lines) + lines[0][:25])
    spool = Spool(tmp_path, "node-a")
    assert spool.leftover == 2
    chunk = spool.read()
    assert chunk.batches == {"b1": records(2)}
    spool.consumed(chunk)
    assert spool.read() is None and spool.backlog == 0
    assert segment_files(spool) == []   # the torn line went with its segment
    spool.close()


def test_a_batch_cut_off_mid_write_is_skipped_and_its_whole_copy_applied(tmp_path, caplog):
    # A disk that refused both the write and its undo leaves part of a batch behind; the writer
    # wrote the batch again, whole, under the same id, into a later segment.
    folder = tmp_path / "node-a"
    folder.mkdir()

    def batch(batch_id: str, n: int, keep: int | None = None) -> str:
        lines = [to_line(batch_id, r) for r in records(n)]
        lines[0]["n"] = n
        return "".join(json.dumps(line) + "\n" for line in lines[:keep])

    (folder / "0000000001.jsonl").write_text(batch("b1", 2) + batch("b2", 5, keep=3))
    (folder / "0000000002.jsonl").write_text(batch("b2", 5) + batch("b3", 1))
    spool = Spool(tmp_path, "node-a")
    whole = {}
    while chunk := spool.read():
        whole.update({batch_id: len(rows) for batch_id, rows in chunk.batches.items()})
        spool.consumed(chunk)
    assert whole == {"b1": 2, "b2": 5, "b3": 1} and spool.backlog == 0
    assert "skipping 3 of 5 records of batch b2" in caplog.text
    spool.close()


def test_an_unreadable_line_is_skipped_with_a_warning(tmp_path, caplog):
    folder = tmp_path / "node-a"
    folder.mkdir()
    good = json.dumps(to_line("b1", records(1)[0])) + "\n"
    (folder / "0000000001.jsonl").write_text(good + "{not json\n" + good.replace("b1", "b2"))
    spool = Spool(tmp_path, "node-a")
    assert drain(spool) == ["b1", "b2"]
    assert "skipping an unreadable line" in caplog.text
    spool.close()


def test_full_segments_rotate_and_are_deleted_once_read(tmp_path):
    spool = Spool(tmp_path, "node-a", rotate_bytes=500)
    for i in range(6):
        spool.append(f"b{i}", records(3))
    assert len(segment_files(spool)) >= 3
    assert drain(spool) == [f"b{i}" for i in range(6)]
    assert len(segment_files(spool)) <= 1   # only the one still being written
    spool.close()
    assert segment_files(spool) == []


def test_old_segments_rotate_even_when_small(tmp_path):
    spool = Spool(tmp_path, "node-a", rotate_seconds=0)
    spool.append("b1", records(1))
    spool.append("b2", records(1))
    assert len(segment_files(spool)) == 2
    spool.close()


def test_reads_stop_at_a_batch_boundary(tmp_path):
    spool = Spool(tmp_path, "node-a")
    for i in range(3):
        spool.append(f"b{i}", records(3))
    chunk = spool.read(max_records=4)
    assert list(chunk.batches) == ["b0", "b1"] and chunk.records == 6
    spool.close()


def test_a_write_the_full_disk_refuses_leaves_only_whole_batches_and_never_a_name_twice(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        spool = Spool(disk.folder, "node-a")
        spool.append("b1", records(3))
        first = spool.folder / "0000000001.jsonl"
        good = first.read_bytes()
        disk.fill()
        with pytest.raises(OSError) as refused:
            spool.append("b2", records(60))            # more than any page's slack: fails part-way
        assert refused.value.errno in (errno.ENOSPC, errno.EFBIG)
        assert first.read_bytes() == good              # cut back to its last whole batch
        disk.free()
        spool.append("b2", records(60))                # the same batch, the same id, once
        assert segment_files(spool) == ["0000000001.jsonl", "0000000002.jsonl"]
        assert drain(spool) == ["b1", "b2"] and spool.backlog == 0
        spool.close()
        assert segment_files(spool) == []


def test_once_the_database_has_taken_a_full_spool_its_space_is_free_again(tmp_path):
    with small_disk(tmp_path / "disk", size=64 * 1024) as disk:
        disk.cap()
        spool = Spool(disk.folder, "node-a")
        written = []
        with pytest.raises(OSError):
            for i in range(1000):
                spool.append(f"b{i}", records(20))
                written.append(f"b{i}")
        assert drain(spool) == written
        disk.free()                                # on the tmpfs: nothing to free but what the reader did
        spool.append("after", records(20))
        assert drain(spool) == ["after"]
        spool.close()


def test_a_folder_that_refuses_new_and_deleted_files_never_gets_a_used_name_again(tmp_path):
    spool = Spool(tmp_path, "node-a", rotate_bytes=1)     # every batch in a segment of its own
    spool.append("b1", records(2))
    assert drain(spool) == ["b1"]
    with read_only(spool.folder):
        with pytest.raises(OSError) as refused:
            spool.append("b2", records(2))
        assert refused.value.errno == errno.EPERM
        assert segment_files(spool) == ["0000000001.jsonl"]   # used, but the folder keeps it
    spool.append("b2", records(2))
    assert segment_files(spool) == ["0000000001.jsonl", "0000000002.jsonl"]
    assert drain(spool) == ["b2"]                     # b1 is not read again from the old file
    poll(lambda: spool.read() is None and "0000000001.jsonl" not in segment_files(spool),
         what="the used segment to be deleted once the folder lets it go")
    spool.close()
