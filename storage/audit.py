"""The audit trail: who changed what, from what to what, when (UTC) and from where. Append-only.

Nothing in the product updates or deletes a record: the ORM refuses it, and the database itself
refuses it through triggers (created with the table, on SQLite and PostgreSQL alike), so neither a
bulk statement nor a bug can rewrite history. Retention and forgetting a person are the exceptions,
through `storage.privacy.erasure` alone: they remove addresses, names and old records, never change what
was done or when.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DDL, JSON, Connection, Index, Integer, String, event, func, select
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime, utcnow

SIGN_IN_FAILED = "sign-in failed"
SIGN_IN_THROTTLED = "sign-in throttled"
PROXY_SIGN_IN_FAILED = "proxy sign-in failed"
REFUSED = "refused"             # an account asked for what it may not see or change
# Records whose target is a name someone typed (it can be a mistyped password): retention erases it.
TYPED_NAME_ACTIONS = (SIGN_IN_FAILED, SIGN_IN_THROTTLED, PROXY_SIGN_IN_FAILED)


class AuditRecord(Base):
    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_action_target_at", "action", "target", "at"),
        Index("ix_audit_action_source_at", "action", "source", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(100))     # account name; None: not signed in
    action: Mapped[str] = mapped_column(String(64))            # e.g. "account created", "sign-in failed"
    target: Mapped[str] = mapped_column(String(200))           # what it was done to, e.g. "account:alice"
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(String(64))     # client address


class AuditIsAppendOnly(Exception):
    pass


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _refuse_change(mapper: Mapper[AuditRecord], connection: Connection, target: AuditRecord) -> None:
    raise AuditIsAppendOnly("audit records cannot be changed or deleted")


# The same guard inside the database. Migrations create these with `APPEND_ONLY_DDL` too. The one way
# past them is `storage.privacy.erasure`: while a transaction holds a row in `audit_erasures` (it is removed
# before the commit, so no other transaction ever sees it), retention and `watercooler forget` may
# delete records and rewrite who and where, never what happened or when.
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_erasures) "
        "OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_erasures) "
        "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM audit_erasures) THEN "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
        "IF NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action THEN RETURN NEW; END IF; "
        "END IF; "
        "RAISE EXCEPTION 'audit records are append-only'; END $$",
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
        "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    ],
}
APPEND_ONLY_DROP = {"postgresql": ["DROP FUNCTION IF EXISTS audit_append_only() CASCADE"]}

for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _sql in _statements:
        # SQLAlchemy publishes DDL() without annotations.
        event.listen(AuditRecord.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))  # type: ignore[no-untyped-call]
for _dialect, _statements in APPEND_ONLY_DROP.items():
    for _sql in _statements:
        event.listen(AuditRecord.__table__, "after_drop", DDL(_sql).execute_if(dialect=_dialect))  # type: ignore[no-untyped-call]


def record(db: Session, *, actor: str | None, action: str, target: str,
           before: Any = None, after: Any = None, source: str | None = None) -> AuditRecord:
    """Add one record to the session; it is written with the change it describes (same commit)."""
    entry = AuditRecord(at=utcnow(), actor=actor, action=action, target=target,
                        before=before, after=after, source=source)
    db.add(entry)
    return entry


def record_refusal(db: Session, *, actor: str | None, target: str, why: str,
                   source: str | None = None) -> AuditRecord:
    """A refused attempt, kept on the record: what the attempt wrote is rolled back, the refusal committed."""
    db.rollback()
    entry = record(db, actor=actor, action=REFUSED, target=target, after={"why": why}, source=source)
    db.commit()
    return entry


def recent_by_actor(db: Session, *, action: str, actor: str, within: timedelta) -> int:
    """How many `action` records an account made in the last `within`."""
    return int(db.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == action, AuditRecord.actor == actor, AuditRecord.at >= utcnow() - within)) or 0)
