from datetime import datetime, timedelta, timezone

from proxy_addons.usage.memory_sink import MemorySink

T0 = datetime(2026, 11, 26, 9, 0, 5, tzinfo=timezone.utc)


def test_minutes_are_charged_once_per_user_rule_and_minute():
    sink = MemorySink()
    sink.minute("alice", "facebook", "external-social", T0, quota_rule="budget")
    sink.minute("alice", "instagram", "external-social", T0 + timedelta(seconds=30), quota_rule="budget")
    sink.minute("alice", "facebook", "external-social", T0 + timedelta(minutes=1), quota_rule="budget")
    sink.minute("alice", "facebook", "external-social", T0 + timedelta(minutes=2))     # not under a quota
    sink.minute("bob", "facebook", "external-social", T0, quota_rule="budget")
    assert sink.used_minutes("alice", "budget", T0.replace(second=0)) == 2
    assert sink.used_minutes("alice", "budget", T0.replace(second=0) + timedelta(minutes=1)) == 1
    assert sink.used_minutes("bob", "budget", T0.replace(second=0)) == 1
    assert sink.used_minutes(None, "budget", T0) == 0
    assert len(sink.active) == 5


def test_attempts_are_counted_per_day_and_kind():
    sink = MemorySink()
    for _ in range(3):
        sink.attempt("alice", "facebook", "guests", "blocked", T0)
    sink.attempt("alice", "youtube", "nudge", "warned", T0)
    assert sink.attempts[("alice", "facebook", "guests", "blocked", "2026-11-26")] == 3
    assert sink.status() == {"sink": "memory", "active_minutes": 0, "attempts": 4}
