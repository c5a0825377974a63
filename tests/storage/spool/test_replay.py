"""After a restart, "replaying N usage records" counts only what the database does not have yet."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from storage.db import make_engine
from storage.migrate import upgrade
from storage.spool.folder import Spool
from storage.spool.records import MinuteRecord
from storage.usage.tables import ActiveMinute
from storage.writer.background import UsageWriter
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.usage_process import UsageProcess

START = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def minute(i: int) -> MinuteRecord:
    return MinuteRecord("alice", "facebook", "external-social", START + timedelta(minutes=i), date(2026, 11, 26))


def test_a_restart_replays_and_counts_only_the_records_the_database_lacks(db_url, tmp_path, caplog):
    upgrade(db_url)
    with database_outage(db_url) as (writer_url, outage):
        engine = make_engine(writer_url)
        first = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05)
        for i in range(30):
            first.put(minute(i))
        assert first.flush(timeout=30)           # 30 applied, still in the spool's open segment
        outage.cut()
        for i in range(30, 50):
            first.put(minute(i))
        poll(lambda: first.status()["spooled"] == 20, timeout=20, what="20 records to wait in the spool")
        assert first.close(timeout=1) is False
        outage.restore()

        caplog.clear()
        again = UsageWriter(engine, Spool(tmp_path, "node-a"), max_delay=0.05)
        assert again.flush(timeout=30)
        again.close()
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(ActiveMinute)) == 50
        engine.dispose()
    replaying = [r.getMessage() for r in caplog.records if "replaying" in r.getMessage()]
    assert replaying == ["replaying 20 usage records left in the spool by the previous run "
                         "(30 more were already in the database)"]


def test_a_killed_writers_spool_that_the_database_already_has_is_not_replayed(db_url, tmp_path, caplog):
    upgrade(db_url)
    with UsageProcess(db_url, tmp_path, "node-a") as killed:
        killed.send(op="minutes", user="alice", start=START.isoformat(), count=10)
        assert killed.send(op="flush")["flushed"]
        killed.kill()                          # its segment, every record applied, stays behind
    assert sorted((tmp_path / "spool" / "node-a").glob("*.jsonl"))
    caplog.clear()
    caplog.set_level(logging.INFO, logger="watercooler.storage")
    engine = make_engine(db_url)
    again = UsageWriter(engine, Spool(tmp_path / "spool", "node-a"), max_delay=0.05)
    assert again.flush(timeout=30)
    again.close()
    engine.dispose()
    assert "replaying" not in caplog.text
    assert "the 10 usage records left in the spool by the previous run are all in the database already" \
        in caplog.text
