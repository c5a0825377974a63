"""The audit guard's one door: only a transaction holding an erasure may delete records or rewrite who
and where; nobody may rewrite what happened or when, and no other transaction ever sees the door open."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from storage.audit import AuditRecord
from storage.db import make_engine, write_connection
from storage.migrate import upgrade
from storage.privacy.erasure import AuditErasure, erasing_audit, is_address, name_pattern, replace_name

AT = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)


def _add(engine, **values) -> None:
    row = {"at": AT, "actor": "carol", "action": "adjustment changed", "target": "adjustment:x",
           "source": "10.0.0.7"} | values
    with write_connection(engine) as conn, conn.begin():
        conn.execute(insert(AuditRecord).values(**row))


def test_inside_an_erasure_who_and_where_change_and_records_go(usage_engine):
    _add(usage_engine)
    _add(usage_engine, action="sign-in failed")
    with write_connection(usage_engine) as conn, conn.begin(), erasing_audit(conn, "test"):
        conn.execute(update(AuditRecord).values(actor="forgotten-1", source=None, after={"x": 1}))
        conn.execute(delete(AuditRecord).where(AuditRecord.action == "sign-in failed"))
    with usage_engine.connect() as conn:
        assert conn.execute(select(AuditRecord.actor, AuditRecord.source, AuditRecord.action)).all() == \
            [("forgotten-1", None, "adjustment changed")]
        assert conn.scalar(select(func.count()).select_from(AuditErasure)) == 0


@pytest.mark.parametrize("change", [{"action": "nothing happened"}, {"at": datetime(2020, 1, 1, tzinfo=timezone.utc)},
                                    {"id": 999}])
def test_even_an_erasure_cannot_rewrite_what_happened_or_when(usage_engine, change):
    _add(usage_engine)
    with pytest.raises(DBAPIError, match="append-only"), write_connection(usage_engine) as conn, conn.begin(), \
            erasing_audit(conn, "test"):
        conn.execute(update(AuditRecord).values(**change))
    with usage_engine.connect() as conn:
        assert conn.execute(select(AuditRecord.action, AuditRecord.at)).one() == ("adjustment changed", AT)


def test_after_an_erasure_the_guard_is_whole_again(usage_engine):
    _add(usage_engine)
    with write_connection(usage_engine) as conn, conn.begin(), erasing_audit(conn, "test"):
        pass
    with pytest.raises(DBAPIError, match="append-only"), write_connection(usage_engine) as conn, conn.begin():
        conn.execute(delete(AuditRecord))


@pytest.mark.postgres
def test_another_transaction_never_sees_the_door_open(pg_url):
    """On PostgreSQL (SQLite lets one transaction write at a time, so nobody else can write meanwhile)."""
    engine = make_engine(pg_url)
    upgrade(engine)
    _add(engine)
    try:
        with write_connection(engine) as conn, conn.begin(), erasing_audit(conn, "test"), \
                engine.connect() as other, other.begin():
            assert other.scalar(select(func.count()).select_from(AuditErasure)) == 0
            with pytest.raises(DBAPIError, match="append-only"):
                other.execute(delete(AuditRecord))
    finally:
        engine.dispose()


def test_a_database_from_before_retention_gets_the_door(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0003_spool_state")
        _add(engine)
        upgrade(engine)
        with write_connection(engine) as conn, conn.begin(), erasing_audit(conn, "test"):
            conn.execute(update(AuditRecord).values(source=None))
        with engine.connect() as conn:
            assert conn.scalar(select(AuditRecord.source)) is None
    finally:
        engine.dispose()


def test_names_are_replaced_as_whole_words_only():
    pattern = name_pattern("al")
    assert replace_name({"why": "al does not manage alan or al@corp", "al": ["al", 3]}, pattern, "x") == \
        {"why": "x does not manage alan or al@corp", "x": ["x", 3]}


def test_addresses_are_told_from_labels():
    assert is_address("10.0.0.7") and is_address("::1")
    assert not is_address("command line (root)") and not is_address("demo seed") and not is_address(None)
