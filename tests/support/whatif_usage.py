"""A database holding two days of the small company's usage, with an adjustment, a grant and group history.

Monday 23 Nov 2026 (UTC): m1..m6 each use Facebook from 09:00 for 40 minutes; at 09:25 a manager
raises marketing's budget to 45 minutes; m1 was blocked on Facebook twice. The groups recorded by the
panel hold m1..m5 in marketing; m6 joins at noon (so counts in marketing from Tuesday). Tuesday: s2
uses X from 09:00 for 40 minutes, the first 10 under a grant.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from storage.audit import AuditRecord
from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.db import make_engine, write_connection
from storage.migrate import upgrade
from storage.spool.records import AttemptRecord, MinuteRecord
from storage.usage.membership import record_groups
from storage.writer.apply import apply_batches

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)
RAISED = datetime(2026, 11, 23, 9, 25, tzinfo=timezone.utc)


def minutes(user: str, site: str, day: date, count: int, category: str = "social") -> list[MinuteRecord]:
    start = datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)
    return [MinuteRecord(user, site, category, start + timedelta(minutes=i), day) for i in range(count)]


def record_usage(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    records = [r for person in ("m1", "m2", "m3", "m4", "m5", "m6") for r in minutes(person, "facebook", MON, 40)]
    records += minutes("s2", "x", TUE, 40) + [AttemptRecord("m1", "facebook", "budget", MON, "blocked", 2)]
    with write_connection(engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {"b1": records})
    with Session(engine) as db:
        db.add(Adjustment(rule="budget", group_name="marketing", minutes=45, set_by="boss", set_at=RAISED))
        db.add(AuditRecord(at=RAISED, actor="boss", action="adjustment changed", target="adjustment:budget/marketing",
                           before=None, after={"minutes": 45}))
        db.add(Grant(user_name="s2", site="x", starts_at=datetime(2026, 11, 24, 9, tzinfo=timezone.utc),
                     expires_at=datetime(2026, 11, 24, 9, 10, tzinfo=timezone.utc), granted_by="boss"))
        db.commit()
        record_groups(db, {"marketing": {"m1", "m2", "m3", "m4", "m5"}, "sales": {"s1", "s2"}},
                      datetime(2026, 11, 1, tzinfo=timezone.utc))
        record_groups(db, {"marketing": {"m1", "m2", "m3", "m4", "m5", "m6"}, "sales": {"s1", "s2"}},
                      datetime(2026, 11, 23, 12, tzinfo=timezone.utc))
    engine.dispose()
