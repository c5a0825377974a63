"""Retention: what Watercooler keeps about people goes when its time is up. One home for every period.

- usage: whole policy-local days older than `usage_days` (90), and with it the group membership
  history that ended before the oldest day kept (so no kept day's team figures change);
- access requests and grants: `request_days` (90) after they end (a grant at its expiry, a declined
  request at its decision, an approved one with its last grant; a pending request has not ended);
  an outbox message never delivered (it can hold a request's reason) goes as long after it was made;
- the audit trail: records older than `audit_days` (400) go; after `audit_address_days` (90) a record
  loses its client address, the name typed into a failed sign-in, and the reason and note of an
  access request (which `request_days` already removed from the requests themselves); sign-in
  counters (a name and an address) are cleared at the next failed sign-in, and whatever happens
  once their window started `audit_address_days` ago.

The panel runs `purge` at start and daily (`web/retention.py`); `watercooler purge` runs it from a
shell or cron. Audit records are changed through `storage.privacy.erasure` alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from storage.audit import TYPED_NAME_ACTIONS, AuditRecord
from storage.changes.access import AccessRequest, Grant
from storage.db import write_connection
from storage.outbox import OutboxMessage
from storage.privacy.erasure import erasing_audit, is_address
from storage.sign_in.throttle import SignInCounter
from storage.usage.membership import GroupMember
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from storage.utc import utcnow

DEFAULT_DAYS = 90
TYPED_NAME_REMOVED = "account:(name removed)"
REQUEST_TEXT = ("reason", "note")   # what a person or manager wrote; kept no longer than the request


@dataclass(frozen=True)
class Retention:
    usage_days: int = DEFAULT_DAYS
    request_days: int = 90
    audit_days: int = 400
    audit_address_days: int = 90

    def __post_init__(self) -> None:
        for name, days in vars(self).items():
            if days < 1:
                raise ValueError(f"{name} must be at least 1 (got {days})")


def purge_usage(engine: Engine, keep_days: int = DEFAULT_DAYS, today: date | None = None) -> dict[str, int]:
    """Delete usage from before the last `keep_days` days; returns rows deleted per table."""
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1")
    first_kept = (today or date.today()) - timedelta(days=keep_days - 1)
    deleted = {}
    with write_connection(engine) as conn, conn.begin():
        for model in (ActiveMinute, QuotaCharge, Attempt):
            deleted[model.__tablename__] = conn.execute(delete(model).where(model.day < first_kept)).rowcount
        # A day begins at most 14 hours before its UTC midnight: membership that ended a day earlier
        # than that counts for no day kept.
        ended = datetime.combine(first_kept - timedelta(days=1), time(), timezone.utc)
        deleted["group_members"] = conn.execute(delete(GroupMember).where(GroupMember.left_at < ended)).rowcount
    return deleted


def purge(engine: Engine, retention: Retention = Retention(), now: datetime | None = None) -> dict[str, int]:
    """Apply every period of `retention` as of `now` (default: the present); returns what went, by kind."""
    moment = now or utcnow()
    counts = purge_usage(engine, retention.usage_days, now.date() if now else None)
    request_cutoff = moment - timedelta(days=retention.request_days)
    audit_cutoff = moment - timedelta(days=retention.audit_days)
    address_cutoff = moment - timedelta(days=retention.audit_address_days)
    with write_connection(engine) as conn, conn.begin():
        counts["grants"] = conn.execute(delete(Grant).where(Grant.expires_at < request_cutoff)).rowcount
        still_granted = select(Grant.request_id).where(Grant.request_id.is_not(None))
        counts["access_requests"] = conn.execute(delete(AccessRequest).where(
            AccessRequest.status != "pending", AccessRequest.decided_at < request_cutoff,
            AccessRequest.id.not_in(still_granted))).rowcount
        counts["outbox"] = conn.execute(delete(OutboxMessage).where(OutboxMessage.created_at < request_cutoff)).rowcount
        counts["sign_in_counters"] = conn.execute(delete(SignInCounter).where(
            SignInCounter.window_started < address_cutoff)).rowcount
        with erasing_audit(conn, "retention"):
            counts["audit"] = conn.execute(delete(AuditRecord).where(AuditRecord.at < audit_cutoff)).rowcount
            counts.update(_erase_old_details(conn, address_cutoff))
    return counts


def _erase_old_details(conn: Connection, cutoff: datetime) -> dict[str, int]:
    old = AuditRecord.at < cutoff
    typed_names = conn.execute(update(AuditRecord).where(
        old, AuditRecord.action.in_(TYPED_NAME_ACTIONS), AuditRecord.target != TYPED_NAME_REMOVED,
    ).values(target=TYPED_NAME_REMOVED)).rowcount
    addresses = texts = 0
    rows = conn.execute(select(AuditRecord.id, AuditRecord.source, AuditRecord.before, AuditRecord.after)
                        .where(old, AuditRecord.source.is_not(None) | AuditRecord.target.like("request:%")
                               | AuditRecord.target.like("grant:%"))).all()
    for row in rows:
        changes: dict[str, Any] = {}
        if is_address(row.source):
            changes["source"] = None
            addresses += 1
        for column in ("before", "after"):
            value = getattr(row, column)
            if isinstance(value, dict) and any(value.get(key) is not None for key in REQUEST_TEXT):
                changes[column] = {k: (None if k in REQUEST_TEXT else v) for k, v in value.items()}
        if any(column in changes for column in ("before", "after")):
            texts += 1
        if changes:
            conn.execute(update(AuditRecord).where(AuditRecord.id == row.id).values(**changes))
    return {"audit addresses": addresses, "audit typed names": typed_names, "audit request texts": texts}
