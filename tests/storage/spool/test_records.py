"""Records survive the trip through a spool line unchanged; attempts of one key add up."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord, from_line, merge_attempts, to_line

MINUTE = datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc)
DAY = date(2026, 3, 29)


@pytest.mark.parametrize("record", [
    MinuteRecord("alice", "facebook", "external-social", MINUTE, DAY),
    ChargeRecord("", "social-budget", MINUTE, DAY),
    AttemptRecord("bob", "youtube", "", DAY, "warned", 4),
])
def test_a_record_round_trips_through_a_json_line(record):
    line = json.loads(json.dumps(to_line("b1", record)))
    assert from_line(line) == ("b1", record)


def test_lines_hold_names_and_minutes_only():
    line = to_line("b1", MinuteRecord("alice", "facebook", "external-social", MINUTE, DAY))
    assert line == {"batch": "b1", "type": "minute", "user": "alice", "site": "facebook",
                    "category": "external-social", "minute": "2026-03-29T00:59:00+00:00", "day": "2026-03-29"}


@pytest.mark.parametrize("line", [{}, {"type": "minute"}, {"batch": "b", "type": "other", "day": "2026-01-01"},
                                  {"batch": "b", "type": "charge", "user": "a", "rule": "r", "minute": "x",
                                   "day": "2026-01-01"}])
def test_foreign_lines_are_refused(line):
    with pytest.raises((KeyError, ValueError)):
        from_line(line)


def test_attempts_of_one_key_are_summed_and_other_records_kept():
    minute = MinuteRecord("alice", "facebook", "external-social", MINUTE, DAY)
    blocked = AttemptRecord("alice", "facebook", "r", DAY, "blocked")
    merged = merge_attempts([blocked, minute, blocked, AttemptRecord("alice", "facebook", "r", DAY, "warned", 2)])
    assert sorted(map(repr, merged)) == sorted(map(repr, [
        minute, AttemptRecord("alice", "facebook", "r", DAY, "blocked", 2),
        AttemptRecord("alice", "facebook", "r", DAY, "warned", 2)]))
