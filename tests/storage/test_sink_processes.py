"""Real writer processes: SIGTERM flushes, SIGKILL loses nothing that reached the spool and doubles
nothing the database already had, and two writers on one database keep one count and one quota."""
from __future__ import annotations

from sqlalchemy import func, select

from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.usage_process import UsageProcess

EIGHT = "2026-11-26T08:00:00+01:00"
EIGHT_THIRTY = "2026-11-26T08:30:00+01:00"
DAY_START = "2026-11-26T00:00:00+01:00"


def totals(url: str) -> tuple[int, int, int]:
    """(active minutes, quota charges, attempts) in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.scalar(select(func.count()).select_from(ActiveMinute)),
                    conn.scalar(select(func.count()).select_from(QuotaCharge)),
                    conn.scalar(select(func.coalesce(func.sum(Attempt.count), 0))))
    finally:
        engine.dispose()


def test_sigterm_stores_everything_still_queued(db_url, tmp_path):
    with UsageProcess(db_url, tmp_path, "proxy-1", max_delay=60) as writer:   # no batch is due by itself
        writer.send(op="minutes", user="alice", start=EIGHT, count=300)
        writer.send(op="attempts", user="alice", rule="social-budget", at=EIGHT, count=50)
        closed = writer.terminate()
    assert closed["spooled"] == 0
    assert totals(db_url) == (300, 0, 50)
    assert not list((tmp_path / "spool" / "proxy-1").glob("*.jsonl"))


def test_after_sigkill_the_next_start_replays_the_spool(db_url, tmp_path):
    upgrade(db_url)
    with database_outage(db_url) as (writer_url, outage):
        outage.cut()                                   # the database is away: all goes to the spool
        with UsageProcess(writer_url, tmp_path, "proxy-1") as writer:
            writer.send(op="minutes", user="alice", start=EIGHT, count=200, quota_rule="social-budget")
            poll(lambda: writer.send(op="status")["status"]["spooled"] == 400, timeout=20,
                 what="every record to reach the spool")
            writer.kill()
        outage.restore()
        with UsageProcess(writer_url, tmp_path, "proxy-1") as again:
            assert again.send(op="flush")["flushed"]
            again.send(op="used", user="alice", rule="social-budget", start=DAY_START)   # first ask: seeds
            again.send(op="refresh")
            assert again.send(op="used", user="alice", rule="social-budget", start=DAY_START)["used"] == 200
            again.terminate()
    assert totals(db_url) == (200, 200, 0)


def test_a_replay_of_batches_the_database_already_has_counts_nothing_twice(db_url, tmp_path):
    with UsageProcess(db_url, tmp_path, "proxy-1") as writer:
        writer.send(op="attempts", user="alice", rule="social-budget", at=EIGHT, count=100)
        writer.send(op="minutes", user="alice", start=EIGHT, count=10)
        assert writer.send(op="flush")["flushed"]
        writer.kill()                                  # before the spool segment was tidied away
    assert list((tmp_path / "spool" / "proxy-1").glob("*.jsonl"))
    with UsageProcess(db_url, tmp_path, "proxy-1") as again:
        assert again.send(op="flush")["flushed"]
        assert again.send(op="status")["status"]["spooled"] == 0
        again.terminate()
    assert totals(db_url) == (10, 0, 100)


def test_two_writers_on_one_database_keep_one_count_and_one_quota(db_url, tmp_path):
    with UsageProcess(db_url, tmp_path / "a", "proxy-a") as a, UsageProcess(db_url, tmp_path / "b", "proxy-b") as b:
        # Overlapping half hours: the same user behind both proxies (a laptop and a phone).
        a.send(op="minutes", user="alice", start=EIGHT, count=60, quota_rule="social-budget")
        b.send(op="minutes", user="alice", start=EIGHT_THIRTY, count=60, quota_rule="social-budget")
        for node in (a, b):
            node.send(op="minutes", user="bob", start=EIGHT, count=100)
        assert a.send(op="flush")["flushed"] and b.send(op="flush")["flushed"]
        for node in (a, b):
            node.send(op="used", user="alice", rule="social-budget", start=DAY_START)
            node.send(op="refresh")
        used = [node.send(op="used", user="alice", rule="social-budget", start=DAY_START)["used"] for node in (a, b)]
        assert used == [90, 90]
        for node in (a, b):
            assert node.send(op="status")["status"]["database_error"] is None
            node.terminate()
    assert totals(db_url) == (90 + 100, 90, 0)
