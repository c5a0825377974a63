"""Failed and refused sign-ins reach the audit once per burst, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from storage.audit import AuditRecord
from storage.sign_in.reports import FAILED, REFUSED, report_once
from storage.sign_in.throttle import EVERY

WINDOW = timedelta(minutes=15)


def _report(engine, kind=FAILED, action="sign-in failed", name="erin", address="10.0.0.9", counter=None):
    return report_once(engine, name, address, kind=kind, action=action, why="wrong name or password", window=WINDOW,
                       counter=counter)


def _records(db):
    return [(r.action, r.target, r.source) for r in db.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_a_burst_of_failures_is_one_record_and_its_refusals_one_more(usage_engine, db):
    assert _report(usage_engine) is True
    assert [_report(usage_engine) for _ in range(30)] == [False] * 30
    assert _report(usage_engine, REFUSED, "sign-in throttled") is True
    assert _report(usage_engine, REFUSED, "sign-in throttled") is False
    assert _report(usage_engine, address="10.0.0.1") is True          # another address, another burst
    assert _records(db) == [("sign-in failed", "account:erin", "10.0.0.9"),
                            ("sign-in throttled", "account:erin", "10.0.0.9"),
                            ("sign-in failed", "account:erin", "10.0.0.1")]
    after = db.scalars(select(AuditRecord.after)).first()
    assert after["why"] == "wrong name or password" and "more in this burst are counted until" in after


def test_concurrent_failures_still_write_one_record(usage_engine, db):
    start = threading.Barrier(20)
    written = []

    def fail():
        start.wait(timeout=30)
        written.append(_report(usage_engine))

    threads = [threading.Thread(target=fail) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(written) == [False] * 19 + [True]
    assert _records(db) == [("sign-in failed", "account:erin", "10.0.0.9")]


def test_refusals_by_the_address_counter_are_one_record_whatever_the_names(usage_engine, db):
    address = (EVERY, "10.0.0.9")
    written = [_report(usage_engine, REFUSED, "sign-in throttled", name=f"name{n}", counter=address)
               for n in range(30)]
    assert written == [True] + [False] * 29
    assert _records(db) == [("sign-in throttled", "account:name0", "10.0.0.9")]
