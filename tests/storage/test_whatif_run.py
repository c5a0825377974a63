"""A what-if over a real database (SQLite and PostgreSQL): adjustments, grants and groups of the time."""
from __future__ import annotations

from policy.whatif_figures import ATTEMPTS_FREED, BLOCKED_MORE, FREED, RUNS_OUT
from storage.db import make_engine
from storage.whatif_run import replay_usage
from tests.support.whatif_rules import policies
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

