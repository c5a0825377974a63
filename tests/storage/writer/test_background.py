"""The background writer: batches bounded in time and size, nothing lost or doubled when the database
goes away under load, and everything left in the spool picked up by the next writer."""
from __future__ import annotations

import errno
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

import storage.spool.handoff
import storage.writer.database
from storage.db import DbTimeouts, make_engine
from storage.migrate import upgrade
from storage.spool.folder import Spool
from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.usage.tables import ActiveMinute, AppliedBatch, Attempt, QuotaCharge
from storage.writer.background import UsageWriter
from storage.writer.database import append_whole
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.small_disk import read_only, small_disk

DAY = date(2026, 11, 26)
START = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def minute(i: int, user: str = "alice") -> MinuteRecord:
    return MinuteRecord(user, "facebook", "external-social", START + timedelta(minutes=i), DAY)


def charge(i: int, user: str = "alice") -> ChargeRecord:
    return ChargeRecord(user, "social-budget", START + timedelta(minutes=i), DAY)


def attempt(user: str = "alice") -> AttemptRecord:
    return AttemptRecord(user, "facebook", "social-budget", DAY, "blocked")


def rows(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def attempts(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.coalesce(func.sum(Attempt.count), 0)))


def totals(engine) -> tuple[int, int, int]:
    """(active minutes, quota charges, attempts) in the database."""
    return rows(engine, ActiveMinute), rows(engine, QuotaCharge), attempts(engine)


class SteadyLoad:
    """A thread putting a minute, a charge and an attempt every few milliseconds, as a busy proxy does;
    with `people`, each time for someone else, so no two attempts merge and batches are as large as
    a proxy serving many people cuts them."""

    def __init__(self, writer: UsageWriter, people: bool = False) -> None:
        self.writer, self.people, self.sent, self._stop = writer, people, 0, threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> SteadyLoad:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def more_than(self, n: int) -> int:
        poll(lambda: self.sent > n, what=f"more than {n} of each record to be put")
        return self.sent

    def _run(self) -> None:
        while not self._stop.is_set():
            who = f"person-{self.sent}" if self.people else "alice"
            for record in (minute(self.sent, who), charge(self.sent, who), attempt(who)):
                self.writer.put(record)
            self.sent += 1
            self._stop.wait(0.002)


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_a_record_reaches_the_database_without_being_asked_to(engine, tmp_path):
    writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.2)
    try:
        writer.put(minute(0))
        poll(lambda: rows(engine, ActiveMinute) == 1, timeout=10, what="the batch to be written")
    finally:
        writer.close()


def test_batches_hold_at_most_max_rows(engine, tmp_path):
    writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=30, max_rows=500)
    try:
        for i in range(1200):
            writer.put(minute(i))
        assert writer.flush(timeout=30)
        assert rows(engine, ActiveMinute) == 1200
        assert rows(engine, AppliedBatch) == 3        # 500 + 500 + 200
        status = writer.status()
        assert status["database"] == "up" and status["written"] == 1200 and status["spooled"] == 0
        assert status["written_per_second"] > 0
    finally:
        writer.close()


def test_an_outage_under_steady_load_loses_nothing_and_doubles_nothing(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(storage.writer.database, "MAX_BACKOFF", 0.5)   # recover quickly once it is back
    upgrade(db_url)
    with database_outage(db_url) as (writer_url, outage):
        engine = make_engine(writer_url)
        writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05)
        sent, stop = [0], threading.Event()

        def load():
            while not stop.is_set():
                writer.put(minute(sent[0]))
                writer.put(attempt())
                sent[0] += 1
                stop.wait(0.002)

        loader = threading.Thread(target=load)
        loader.start()
        try:
            poll(lambda: writer.status()["written"] > 100, what="records to flow")
            outage.cut()
            poll(lambda: writer.status()["database"] == "down", timeout=20, what="the writer to notice")
            at_cut = sent[0]
            poll(lambda: sent[0] > at_cut + 200 and writer.status()["spooled"] > 0, what="spooling")
            outage.restore()
            poll(lambda: writer.status()["database"] == "up", timeout=20, what="the writer to recover")
        finally:
            stop.set()
            loader.join()
        assert writer.flush(timeout=30)
        writer.close()
        engine.dispose()
    check = make_engine(db_url)
    try:
        assert rows(check, ActiveMinute) == sent[0]     # every minute, once
        assert attempts(check) == sent[0]               # every attempt counted exactly once
    finally:
        check.dispose()


def test_what_a_closing_writer_could_not_store_is_stored_by_the_next(db_url, tmp_path, caplog):
    upgrade(db_url)
    with database_outage(db_url) as (writer_url, outage):
        outage.cut()
        engine = make_engine(writer_url)
        writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05)
        for i in range(50):
            writer.put(minute(i))
            writer.put(attempt())
        poll(lambda: writer.status()["spooled"] == 51, timeout=20, what="the records to be spooled")
        assert writer.close(timeout=1) is False
        assert "51 records stay in the spool" in caplog.text
        outage.restore()
        again = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05)
        assert again.flush(timeout=30)
        again.close()
        assert (rows(engine, ActiveMinute), attempts(engine)) == (50, 50)
        engine.dispose()


@pytest.mark.postgres
def test_a_batch_the_database_keeps_refusing_is_set_aside(pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(storage.writer.database, "REJECT_AFTER", 2)
    monkeypatch.setattr(storage.writer.database, "MAX_BACKOFF", 0.1)
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=30)
        writer.put(minute(0, user="x" * 300))    # longer than the column: PostgreSQL refuses it
        assert writer.flush(timeout=30)
        writer.put(minute(1))
        assert writer.flush(timeout=30)
        writer.close()
        assert rows(engine, ActiveMinute) == 1
        assert "x" * 300 in (tmp_path / "node-a" / "rejected.jsonl").read_text()
    finally:
        engine.dispose()


def test_a_tiny_disk_under_the_spool_with_the_database_away_loses_nothing(db_url, tmp_path, monkeypatch):
    # The spool fills its disk while the database is away; once the database is back, the room it
    # frees by taking the spool takes what waited in memory, and every record arrives, once.
    monkeypatch.setattr(storage.writer.database, "MAX_BACKOFF", 0.5)
    upgrade(db_url)
    with small_disk(tmp_path / "disk", size=64 * 1024) as disk, database_outage(db_url) as (writer_url, outage):
        engine = make_engine(writer_url)
        writer = UsageWriter(engine, Spool(disk.folder, "node-a"), max_delay=0.05)
        with SteadyLoad(writer, people=True) as load:
            poll(lambda: writer.status()["written"] > 100, what="records to flow")
            outage.cut()
            poll(lambda: writer.status()["database"] == "down", timeout=20, what="the writer to notice")
            disk.cap()
            poll(lambda: writer.status()["held"] > 300, timeout=20, what="the disk to fill up")
            assert writer.status()["spool_error"] in ("No space left on device", "File too large"), disk.kind
            load.more_than(load.sent + 100)      # still taking usage while the disk is full
            outage.restore()
            disk.free()                          # on the tmpfs there is nothing to free: the reader does
            poll(lambda: writer.status()["held"] == 0 and writer.status()["spool_error"] is None,
                 timeout=20, what="the held usage to reach the spool")
            load.more_than(load.sent + 100)
        assert writer.flush(timeout=30)
        assert writer.status()["dropped"] == 0
        writer.close()
        assert totals(engine) == (load.sent, load.sent, load.sent)   # every one, once
        engine.dispose()


def test_room_the_database_frees_on_a_tiny_disk_takes_the_held_usage_at_once(db_url, tmp_path, monkeypatch):
    # Far more waits in memory than the disk holds: it goes a spool-full at a time, each as soon as
    # the database has taken the one before, not once per retry (which a busy proxy would outrun).
    monkeypatch.setattr(storage.writer.database, "MAX_BACKOFF", 0.5)
    monkeypatch.setattr(storage.spool.handoff, "RETRY_EVERY", 3600.0)
    upgrade(db_url)
    with small_disk(tmp_path / "disk", size=64 * 1024) as disk, database_outage(db_url) as (writer_url, outage):
        engine = make_engine(writer_url)
        writer = UsageWriter(engine, Spool(disk.folder, "node-a"))    # batches of a second, as the proxy's
        with SteadyLoad(writer, people=True) as load:
            poll(lambda: writer.status()["written"] > 100, what="records to flow")
            outage.cut()
            poll(lambda: writer.status()["database"] == "down" and writer.status()["spooled"] > 0,
                 timeout=20, what="the writer to spool what the database does not take")
            disk.cap()
            poll(lambda: writer.status()["held"] > 3000, timeout=30, what="several disks' worth to wait")
        outage.restore()
        disk.free()
        poll(lambda: writer.status()["held"] == 0 and writer.status()["spool_error"] is None,
             timeout=30, what="the held usage to reach the spool")
        assert writer.flush(timeout=30)
        assert writer.status()["dropped"] == 0
        writer.close()
        assert totals(engine) == (load.sent, load.sent, load.sent)
        engine.dispose()


def test_a_spool_folder_turned_read_only_delivers_everything_without_a_restart(engine, tmp_path):
    writer = UsageWriter(engine, Spool(tmp_path, "node-a", rotate_bytes=2000), max_delay=0.05)
    folder = writer.spool.folder
    with SteadyLoad(writer) as load:
        poll(lambda: writer.status()["written"] > 100, what="records to flow")
        with read_only(folder):
            poll(lambda: writer.status()["held"] > 300, timeout=20, what="usage to be held in memory")
            assert writer.status()["spool_error"] == "Operation not permitted"
        poll(lambda: writer.status()["held"] == 0 and writer.status()["spool_error"] is None,
             timeout=20, what="the held usage to reach the spool")
        load.more_than(load.sent + 100)
    assert writer.flush(timeout=30)
    assert totals(engine) == (load.sent, load.sent, load.sent)   # all there, and no restart
    poll(lambda: len(list(folder.glob("*.jsonl"))) <= 1, what="used segments to be deleted")
    writer.close()
    assert not list(folder.glob("*.jsonl"))


@pytest.mark.postgres
def test_a_statement_that_waits_on_the_server_is_cancelled_by_the_writers_own_timeout(pg_url, tmp_path, caplog):
    upgrade(pg_url)
    engine = make_engine(pg_url, DbTimeouts(connect=3, statement=1))
    other = make_engine(pg_url)
    writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05, stall_after=60)
    try:
        assert writer.flush(timeout=30)
        # Another session holds the table every batch starts with: the writer's INSERT waits on the server.
        with other.connect() as holder, holder.begin():
            holder.exec_driver_sql("LOCK TABLE usage_batches IN ACCESS EXCLUSIVE MODE")
            me = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar()

            def waiting() -> int:
                with other.connect() as watch:
                    return watch.execute(text("SELECT count(*) FROM pg_stat_activity "
                                              "WHERE :me = ANY(pg_blocking_pids(pid))"), {"me": me}).scalar()
            writer.put(attempt())
            poll(lambda: writer.status()["database"] == "down", timeout=20, what="the statement to be cancelled")
            assert writer.status()["database_error"] == "canceling statement due to statement timeout"
            assert writer.status()["spooled"] == 1
            poll(waiting, timeout=20, what="the writer to try again")
            poll(lambda: not waiting(), timeout=20, what="the second try to be cancelled as well")
        assert writer.flush(timeout=30)
        assert attempts(engine) == 1
        assert caplog.text.count("unavailable (canceling statement due to statement timeout)") == 1
        assert caplog.text.count("reachable again after") == 1
    finally:
        writer.close()
        engine.dispose()
        other.dispose()


@pytest.mark.postgres
def test_a_database_that_accepts_connections_and_never_answers_is_down_within_the_connect_timeout(
        pg_url, tmp_path, caplog):
    upgrade(pg_url)
    with database_outage(pg_url) as (writer_url, relay):
        relay.stall()                  # the restart case: no connection of the writer's is open yet
        engine = make_engine(writer_url, DbTimeouts(connect=1, statement=10))
        writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05, stall_after=60)
        try:
            writer.put(attempt())
            poll(lambda: writer.status()["database"] == "down", timeout=20, what="the connection attempt to give up")
            assert writer.status()["database_error"] == "connection timeout expired"
            relay.resume()
            assert writer.flush(timeout=30)
            assert attempts(engine) == 1
            assert caplog.text.count("unavailable (connection timeout expired)") == 1
        finally:
            relay.resume()
            writer.close()
            engine.dispose()


def test_a_refused_batch_that_cannot_be_set_aside_yet_stops_nothing(pg_url, tmp_path, monkeypatch, caplog):
    # The folder turns read-only while the database refuses a batch: `rejected.jsonl` cannot be made.
    monkeypatch.setattr(storage.writer.database, "REJECT_AFTER", 2)
    monkeypatch.setattr(storage.writer.database, "MAX_BACKOFF", 0.1)
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        writer = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=30)
        writer.put(minute(0))
        assert writer.flush(timeout=30)                # the segment is open: it stays writable
        rejected = tmp_path / "node-a" / "rejected.jsonl"
        with read_only(writer.spool.folder):
            writer.put(minute(1, user="x" * 300))      # longer than the column: PostgreSQL refuses it
            assert not writer.flush(timeout=2)
            poll(lambda: "cannot set aside" in caplog.text, timeout=20, what="the set-aside to fail")
            assert not rejected.exists()
        poll(rejected.exists, timeout=20, what="the refused batch to be set aside once the folder lets it")
        writer.put(minute(2))
        assert writer.flush(timeout=30)                # and the database thread goes on
        writer.close()
        assert rows(engine, ActiveMinute) == 2
        assert rejected.read_text().count("x" * 300) == 1
    finally:
        engine.dispose()


def test_a_set_aside_the_full_disk_cuts_short_leaves_the_file_as_it_was(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        path = disk.folder / "rejected.jsonl"
        append_whole(path, b'{"first":1}\n')
        disk.fill()
        with pytest.raises(OSError) as refused:
            append_whole(path, b"x" * 64 * 1024)        # more than the page's slack: fails part-way
        assert refused.value.errno in (errno.ENOSPC, errno.EFBIG)
        assert path.read_bytes() == b'{"first":1}\n'
        disk.free()
        append_whole(path, b'{"second":2}\n')
        assert path.read_bytes() == b'{"first":1}\n{"second":2}\n'
