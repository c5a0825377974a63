"""A what-if over a real database (SQLite and PostgreSQL): adjustments, grants and groups of the time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import policy
from policy.whatif.figures import ATTEMPTS_FREED, BLOCKED_MORE, FREED, RUNS_OUT
from storage.db import make_engine, write_connection
from storage.migrate import upgrade
from storage.spool.records import MinuteRecord
from storage.whatif.run import replay_usage
from storage.writer.apply import apply_batches
from tests.support.whatif_rules import CURRENT, policies
from tests.support.whatif_usage import MON, TUE, record_usage


def test_a_draft_replayed_with_the_adjustments_grants_and_groups_of_the_time(db_url, tmp_path):
    record_usage(db_url)
    current, draft = policies(tmp_path)
    engine = make_engine(db_url)
    try:
        report = replay_usage(engine, current, draft, MON, TUE)
    finally:
        engine.dispose()
    # Now: 25 minutes, then the raised budget of 45 lets the other 15 through. Draft: 20, then 5
    # blocked until 09:25, then 15 more under the raise. s2's grant opens X in both.
    assert (report.minutes, report.changed) == (280, 30)
    assert (report.current["budget"].allowed.value, report.current["budget"].blocked.value) == (240 + 30, 0)
    assert (report.draft["budget"].allowed.value, report.draft["budget"].blocked.value) == (210, 30)
    assert report.draft["(grant)"].allowed.value == 10 and report.current["(grant)"].allowed.value == 10
    assert report.draft["sales-free"].allowed.value == 30
    assert report.current["budget"].charged.value == 240 + 30
    assert report.everyone.cells[BLOCKED_MORE].value == 30 and report.everyone.cells[FREED].value == 0
    assert report.groups["marketing"].cells[BLOCKED_MORE].value == 25   # m6 joined after Monday began
    assert report.groups["marketing"].cells[BLOCKED_MORE].people == {"m1", "m2", "m3", "m4", "m5"}
    assert "staff" not in report.groups                  # the panel recorded no such group
    assert report.everyone.cells[RUNS_OUT].value == 6    # each ran out at 09:19, before the raise
    assert (report.attempts, report.everyone.cells[ATTEMPTS_FREED].value) == (2, 0)



def test_a_weekly_budget_starts_the_period_as_full_as_it_was(db_url, tmp_path):
    """Monday's 30 minutes count against the week's budget when only Wednesday is reported."""
    weekly = CURRENT.replace("quota: {minutes: 30, per: day}", "quota: {minutes: 60, per: week}")
    for name, text in (("now", weekly), ("draft", weekly.replace("minutes: 60, per: week", "minutes: 40, per: week"))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.yaml").write_text(text)
    engine = make_engine(db_url)
    upgrade(engine)
    wednesday = date(2026, 11, 25)
    records = [MinuteRecord("m1", "facebook", "social", datetime(2026, 11, day, 9, tzinfo=timezone.utc)
                            + timedelta(minutes=i), date(2026, 11, day)) for day in (23, 25) for i in range(30)]
    with write_connection(engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {"b1": records})
    try:
        report = replay_usage(engine, policy.load(tmp_path / "now"), policy.load(tmp_path / "draft"),
                              wednesday, wednesday)
    finally:
        engine.dispose()
    assert (report.minutes, report.changed) == (30, 20)
    assert (report.draft["budget"].allowed.value, report.draft["budget"].blocked.value) == (10, 20)
    assert (report.current["budget"].runouts.value, report.draft["budget"].runouts.value) == (1, 1)
    assert (report.earlier, report.later) == (1, 0)
