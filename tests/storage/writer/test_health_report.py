"""The health report file: what the writer's watch sees, kept where the panel and monitoring read it."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from storage.db import make_engine
from storage.migrate import upgrade
from storage.spool.folder import Spool
from storage.spool.records import AttemptRecord
from storage.writer.background import UsageWriter
from storage.writer.health_report import read_reports
from tests.support.net import poll
from tests.support.outage import database_outage


def test_the_report_follows_a_stall_and_the_end_of_it_and_says_stopped_at_the_end(tmp_path):
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    upgrade(url)
    with database_outage(url) as (writer_url, outage):
        engine = make_engine(writer_url)
        writer = UsageWriter(engine, Spool(tmp_path / "spool", "edge-1"), max_delay=0.05, stall_after=1)
        report = tmp_path / "spool" / "edge-1" / "health.json"
        try:
            poll(lambda: report.exists() and json.loads(report.read_text())["state"] == "up", timeout=10,
                 what="a first report")
            outage.cut()                      # another process holds the write lock: the writer waits
            writer.put(AttemptRecord("alice", "facebook", "no-facebook", date(2026, 11, 26), "blocked"))
            stalled = poll(lambda: (r := json.loads(report.read_text()))["state"] == "stalled" and r,
                           timeout=10, what="the report to show the stall")
            assert stalled["spooled"] == 1 and stalled["node"] == "edge-1" and stalled["error"] == "no answer for 1 s"
            outage.restore()
            poll(lambda: (r := json.loads(report.read_text()))["state"] == "up" and r["spooled"] == 0,
                 timeout=20, what="the report to show the database up and the spool empty")
        finally:
            outage.restore()
            writer.close()
            engine.dispose()
    (tmp_path / "spool" / "edge-2").mkdir()
    (tmp_path / "spool" / "edge-2" / "health.json").write_text("{half a report")
    [only] = read_reports(tmp_path / "spool")
    assert only["node"] == "edge-1" and only["state"] == "stopped"
    assert only["updated_at"] <= datetime.now(timezone.utc)
