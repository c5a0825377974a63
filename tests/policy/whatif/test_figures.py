"""The figures of a what-if report: numbers with the people behind them."""
from __future__ import annotations

from datetime import date

from policy.whatif.figures import BLOCKED_MORE, Bucket, Report, RuleFigures


def test_a_bucket_counts_minutes_and_people():
    bucket = Bucket()
    bucket.add(BLOCKED_MORE, "ann")
    bucket.add(BLOCKED_MORE, "ann", 4)
    bucket.add(BLOCKED_MORE, "bob")
    assert (bucket.cells[BLOCKED_MORE].value, bucket.cells[BLOCKED_MORE].people) == (6, {"ann", "bob"})


def test_a_rule_matched_when_it_decided_a_minute_or_an_attempt():
    figures = RuleFigures()
    assert not figures.matched
    figures.attempts.add("ann", 2)
    assert figures.matched


def test_the_share_of_changed_minutes():
    assert Report(date(2026, 11, 23), date(2026, 11, 23), minutes=8, changed=2).changed_share == 25.0
    assert Report(date(2026, 11, 23), date(2026, 11, 23)).changed_share == 0.0
