"""Retention: usage older than the kept days goes, whole days at a time; the rest stays."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.db import write_connection
from storage.privacy.retention import purge_usage
from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.usage.membership import GroupMember, members_by_day, record_groups
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from storage.writer.apply import apply_batches

TODAY = date(2026, 11, 26)


def day_of_usage(day: date) -> list:
    minute = datetime.combine(day, time(9), timezone.utc)
    return [MinuteRecord("alice", "facebook", "external-social", minute, day),
            ChargeRecord("alice", "social-budget", minute, day),
            AttemptRecord("alice", "facebook", "social-budget", day, "blocked", 2)]


def test_the_last_90_days_are_kept_and_older_days_deleted(usage_engine):
    days = [TODAY, TODAY - timedelta(days=89), TODAY - timedelta(days=90), TODAY - timedelta(days=400)]
    with write_connection(usage_engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {f"b{i}": day_of_usage(d) for i, d in enumerate(days)})
    assert purge_usage(usage_engine, today=TODAY) == {"active_minutes": 2, "quota_charges": 2, "usage_attempts": 2,
                                                      "group_members": 0}
    with usage_engine.connect() as conn:
        for model in (ActiveMinute, QuotaCharge, Attempt):
            assert sorted(conn.execute(select(model.day)).scalars()) == sorted(days[:2])


def test_membership_that_ended_before_the_oldest_day_kept_goes_with_the_usage(usage_engine):
    first_kept = TODAY - timedelta(days=89)
    with Session(usage_engine) as db:
        record_groups(db, {"marketing": {"erin", "bob", "olga"}}, datetime(2026, 1, 1, tzinfo=timezone.utc))
        record_groups(db, {"marketing": {"erin", "bob"}}, datetime.combine(first_kept - timedelta(days=3), time(),
                                                                           timezone.utc))
        record_groups(db, {"marketing": {"erin"}}, datetime.combine(first_kept, time(), timezone.utc))
        before = members_by_day(db, "marketing", first_kept, TODAY, ZoneInfo("Pacific/Kiritimati"))
    assert purge_usage(usage_engine, today=TODAY)["group_members"] == 1   # olga's
    with Session(usage_engine) as db:
        assert members_by_day(db, "marketing", first_kept, TODAY, ZoneInfo("Pacific/Kiritimati")) == before
        assert sorted(db.scalars(select(GroupMember.user_name))) == ["bob", "erin"]


def test_keeping_nothing_is_refused(usage_engine):
    with pytest.raises(ValueError, match="at least 1"):
        purge_usage(usage_engine, keep_days=0)


# Everything personal, with a clock past its limits: exactly what docs/privacy.md says goes, goes.
from sqlalchemy import insert  # noqa: E402

from storage.audit import SIGN_IN_FAILED, AuditRecord  # noqa: E402
from storage.changes.access import AccessRequest, Grant  # noqa: E402
from storage.privacy.retention import TYPED_NAME_REMOVED, Retention, purge  # noqa: E402

NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _requests_and_grants(conn) -> None:
    rows = [  # id, status, decided days ago
        (1, "declined", 91), (2, "declined", 89), (3, "approved", 200), (4, "approved", 200), (5, "pending", None)]
    for number, status, decided in rows:
        conn.execute(insert(AccessRequest).values(
            id=number, user_name="dora", site="facebook", reason=f"reason {number}", hours=1, status=status,
            created_at=_ago(300), decided_by=None if decided is None else "mia",
            decided_at=None if decided is None else _ago(decided)))
    for number, request_id, expired in ((1, 3, 91), (2, 4, 89), (3, None, 91), (4, None, 1)):
        conn.execute(insert(Grant).values(id=number, user_name="dora", site="facebook", starts_at=_ago(400),
                                          expires_at=_ago(expired), granted_by="mia", request_id=request_id))


def _audit(conn, days: float, action: str, target: str, source: str | None, after=None) -> None:
    conn.execute(insert(AuditRecord).values(at=_ago(days), actor=None, action=action, target=target,
                                            source=source, after=after))


def test_requests_and_grants_go_90_days_after_they_end(usage_engine):
    with write_connection(usage_engine) as conn, conn.begin():
        _requests_and_grants(conn)
    counts = purge(usage_engine, now=NOW)
    assert (counts["grants"], counts["access_requests"]) == (2, 2)
    with usage_engine.connect() as conn:
        assert sorted(conn.scalars(select(Grant.id))) == [2, 4]          # ended 89 days ago; running
        # declined 89 days ago; approved with a grant still kept; pending never ends
        assert sorted(conn.scalars(select(AccessRequest.id))) == [2, 4, 5]


def test_the_audit_keeps_400_days_and_addresses_names_and_reasons_90(usage_engine):
    with write_connection(usage_engine) as conn, conn.begin():
        _audit(conn, 401, "account created", "account:dora", "10.1.1.1")
        _audit(conn, 399, "account created", "account:erin", "10.1.1.2")
        _audit(conn, 91, SIGN_IN_FAILED, "account:hunter2-typed-as-name", "10.1.1.3", {"why": "no such account"})
        _audit(conn, 91, "access requested", "request:7", "10.1.1.4", {"site": "facebook", "reason": "my aunt"})
        _audit(conn, 91, "password reset", "account:erin", "command line (root)")
        _audit(conn, 89, SIGN_IN_FAILED, "account:erinn", "10.1.1.5", {"why": "no such account"})
        _audit(conn, 89, "access requested", "request:8", "10.1.1.6", {"site": "facebook", "reason": "my uncle"})
    counts = purge(usage_engine, now=NOW)
    assert (counts["audit"], counts["audit addresses"], counts["audit typed names"], counts["audit request texts"]) \
        == (1, 3, 1, 1)
    with usage_engine.connect() as conn:
        rows = conn.execute(select(AuditRecord.target, AuditRecord.source, AuditRecord.after)
                            .order_by(AuditRecord.id)).all()
    assert [tuple(r) for r in rows] == [
        ("account:erin", None, None),
        (TYPED_NAME_REMOVED, None, {"why": "no such account"}),
        ("request:7", None, {"site": "facebook", "reason": None}),
        ("account:erin", "command line (root)", None),    # not an address: who ran the command
        ("account:erinn", "10.1.1.5", {"why": "no such account"}),
        ("request:8", "10.1.1.6", {"site": "facebook", "reason": "my uncle"}),
    ]
    assert purge(usage_engine, now=NOW) == dict.fromkeys(counts, 0)   # a second run finds nothing left


def test_each_period_is_its_own_setting(usage_engine):
    with write_connection(usage_engine) as conn, conn.begin():
        _requests_and_grants(conn)
        _audit(conn, 30, "account created", "account:dora", "10.1.1.1")
    counts = purge(usage_engine, Retention(request_days=1, audit_days=400, audit_address_days=10), now=NOW)
    assert (counts["grants"], counts["access_requests"], counts["audit"], counts["audit addresses"]) == (3, 4, 0, 1)
    with pytest.raises(ValueError, match="audit_days must be at least 1"):
        Retention(audit_days=0)


def test_throttled_and_proxy_sign_ins_lose_their_typed_names_too(usage_engine):
    with write_connection(usage_engine) as conn, conn.begin():
        _audit(conn, 91, "sign-in throttled", "account:hunter2", "10.1.1.3", {"why": "throttled"})
        _audit(conn, 91, "proxy sign-in failed", "account:hunter3", "10.1.1.4", {"why": "wrong name or password"})
        _audit(conn, 91, "password check failed", "account:erin", "10.1.1.5", {"why": "wrong current password"})
    counts = purge(usage_engine, now=NOW)
    assert (counts["audit addresses"], counts["audit typed names"]) == (3, 2)
    with usage_engine.connect() as conn:
        targets = conn.scalars(select(AuditRecord.target).order_by(AuditRecord.id)).all()
    assert targets == [TYPED_NAME_REMOVED, TYPED_NAME_REMOVED, "account:erin"]   # a signed-in account's own name stays


from storage.outbox import OutboxMessage  # noqa: E402
from storage.sign_in.throttle import SignInCounter  # noqa: E402


def test_a_message_never_delivered_goes_with_the_requests_it_tells_of(usage_engine):
    """A mail server that refuses a recipient for months must not keep a reason in the outbox forever."""
    with write_connection(usage_engine) as conn, conn.begin():
        for subject, days in (("dora asks for Facebook", 91), ("erin asks for TikTok", 89)):
            conn.execute(insert(OutboxMessage).values(
                channel="email", recipient="mia@corp.example", subject=subject, text="Reason: my aunt", html="",
                created_at=_ago(days), next_attempt_at=NOW, attempts=400, last_error="550 no such user"))
    assert purge(usage_engine, now=NOW)["outbox"] == 1
    with usage_engine.connect() as conn:
        assert list(conn.scalars(select(OutboxMessage.subject))) == ["erin asks for TikTok"]


def test_sign_in_counters_lose_their_addresses_even_when_nobody_fails_again(usage_engine):
    """Counters are otherwise cleared at the next failed sign-in; a quiet panel has none."""
    with write_connection(usage_engine) as conn, conn.begin():
        for account, address, days in (("dora", "10.1.1.1", 91), ("", "10.1.1.2", 91), ("erin", "10.1.1.3", 89)):
            conn.execute(insert(SignInCounter).values(account=account, address=address, window_started=_ago(days),
                                                      checks=3, refused=0, reported=0))
    assert purge(usage_engine, now=NOW)["sign_in_counters"] == 2
    with usage_engine.connect() as conn:
        assert list(conn.scalars(select(SignInCounter.address))) == ["10.1.1.3"]
