"""The audit trail is append-only: neither the ORM nor plain SQL can change or delete a record."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from storage import audit
from storage.audit import AuditIsAppendOnly, AuditRecord


def _one(db) -> AuditRecord:
    audit.record(db, actor="carol", action="adjustment", target="rule:social-budget/group:marketing",
                 before={"minutes": 30}, after={"minutes": 45}, source="10.0.0.7")
    db.commit()
    return db.scalars(select(AuditRecord)).one()


def test_a_record_keeps_who_what_before_after_when_and_where(db):
    entry = _one(db)
    assert (entry.actor, entry.action, entry.before, entry.after, entry.source) == \
        ("carol", "adjustment", {"minutes": 30}, {"minutes": 45}, "10.0.0.7")
    assert entry.at.utcoffset() == timedelta(0)  # aware UTC on both databases


def test_the_orm_refuses_to_change_or_delete_records(db):
    entry = _one(db)
    entry.after = {"minutes": 90}
    with pytest.raises(AuditIsAppendOnly):
        db.commit()
    db.rollback()
    db.delete(entry)
    with pytest.raises(AuditIsAppendOnly):
        db.commit()


@pytest.mark.parametrize("statement", [
    update(AuditRecord).values(actor="mallory"),
    delete(AuditRecord),
    text("UPDATE audit SET actor = 'mallory'"),
    text("DELETE FROM audit"),
])
def test_the_database_refuses_bulk_and_raw_changes(db, statement):
    _one(db)
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(statement)
        db.commit()
    db.rollback()
    assert db.scalars(select(AuditRecord.actor)).one() == "carol"


def test_a_refusal_is_kept_and_what_the_refused_attempt_wrote_is_not(db):
    audit.record(db, actor="carol", action="adjustment changed", target="adjustment:social-budget/engineering")
    audit.record_refusal(db, actor="carol", target="adjustment:social-budget/engineering",
                         why="carol does not manage engineering", source="10.0.0.7")
    db.rollback()                        # committed already: nothing left to lose
    assert [(r.actor, r.action, r.target, r.after, r.source) for r in db.scalars(select(AuditRecord))] == [
        ("carol", "refused", "adjustment:social-budget/engineering", {"why": "carol does not manage engineering"},
         "10.0.0.7")]
