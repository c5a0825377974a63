"""The outbox: due messages oldest first, a failure keeps the message with its error and backs off."""
from __future__ import annotations

from datetime import timedelta

from storage.outbox import OutboxMessage, backoff, delivered, due, failed, waiting
from storage.utc import utcnow


def test_backoff_doubles_from_the_first_wait_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    assert backoff(2, first=1).total_seconds() == 2


def test_a_failed_message_waits_and_a_delivered_one_is_gone(db):
    now = utcnow()
    db.add_all([OutboxMessage(channel="email", recipient=f"{name}@corp.example", subject="s", text="t", html="h",
                              next_attempt_at=now - timedelta(seconds=seconds)) for name, seconds in
                (("erin", 5), ("carol", 10))])
    db.commit()
    first, second = due(db, now)
    assert first.recipient == "carol@corp.example"
    failed(db, first, "ConnectionRefusedError: [Errno 111] Connection refused", now)
    delivered(db, second.id)
    db.commit()
    assert due(db, now) == []
    [left] = waiting(db)
    assert (left.recipient, left.attempts, left.last_error) == (
        "carol@corp.example", 1, "ConnectionRefusedError: [Errno 111] Connection refused")
    assert due(db, now + timedelta(seconds=30)) == [left]
