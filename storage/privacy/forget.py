"""Forgetting one person: every row about them goes, every mention of them becomes a pseudonym.

Removed: their usage (minutes, charges, attempts), their group membership history, their access
requests and grants, messages waiting in the outbox that are to them or name them, adjustments made
for them alone (a group named as they are), their entries in the directory snapshots, the sign-in
counters of their name and addresses.
Pseudonymised: their account (kept, so its id is never given to someone else, but renamed,
deactivated and without a password, which ends every session), what they decided or set for others,
and the audit trail — which keeps that something happened, not who: their name becomes one random
pseudonym ("forgotten-3f2a9c") everywhere, so their records still read as one person's, and the
addresses they used are removed from every record.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, String, cast, delete, insert, or_, select, update

from storage.audit import AuditRecord
from storage.changes.access import AccessRequest, Grant
from storage.changes.adjustments import Adjustment
from storage.db import write_connection
from storage.directory.snapshots import DirectoryMember
from storage.outbox import OutboxMessage
from storage.privacy.erasure import erasing_audit, is_address, name_pattern, replace_name
from storage.privacy.retention import REQUEST_TEXT
from storage.sign_in.accounts import User
from storage.sign_in.throttle import forget_counters
from storage.usage.membership import GroupMember
from storage.usage.tables import ActiveMinute, Attempt, QuotaCharge
from storage.utc import utcnow

PREFIX = "forgotten-"
FORGOTTEN = "person forgotten"


def _forget_messages(conn: Connection, name: str) -> int:
    """Messages not yet delivered that are to them or name them (whole name, as in the audit trail)."""
    pattern, like = name_pattern(name), f"%{name}%"
    rows = conn.execute(select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject,
                               OutboxMessage.text, OutboxMessage.payload).where(or_(
        OutboxMessage.recipient.like(like), OutboxMessage.subject.like(like), OutboxMessage.text.like(like),
        cast(OutboxMessage.payload, String).like(like)))).all()
    found = [row.id for row in rows if row.recipient.partition("@")[0] == name or any(
        pattern.search(part) for part in (row.subject, row.text, json.dumps(row.payload or {})))]
    return conn.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(found))).rowcount if found else 0


def new_pseudonym() -> str:
    """Random, not derived from the name: a hash of a guessable name would give the name back."""
    return PREFIX + secrets.token_hex(3)


def forget(engine: Engine, name: str, source: str, pseudonym: str | None = None) -> tuple[str, dict[str, int]]:
    """Forget `name` in one transaction, with an audit record of it (by pseudonym, from `source`);
    returns the pseudonym used and how many rows each step touched."""
    if not name.strip():
        raise ValueError("give the name to forget")
    pseudonym = pseudonym or new_pseudonym()
    counts: dict[str, int] = {}
    with write_connection(engine) as conn, conn.begin():
        for model in (ActiveMinute, QuotaCharge, Attempt, GroupMember):
            counts[model.__tablename__] = conn.execute(delete(model).where(model.user_name == name)).rowcount
        request_ids = list(conn.scalars(select(AccessRequest.id).where(AccessRequest.user_name == name)))
        counts["grants"] = conn.execute(delete(Grant).where(
            or_(Grant.user_name == name, Grant.request_id.in_(request_ids)))).rowcount
        counts["access_requests"] = conn.execute(
            delete(AccessRequest).where(AccessRequest.id.in_(request_ids))).rowcount
        counts["outbox"] = _forget_messages(conn, name)
        counts["adjustments"] = conn.execute(delete(Adjustment).where(Adjustment.group_name == name)).rowcount
        # Back at the next sync while the directory still lists them: that is the directory's to forget.
        counts["directory_members"] = conn.execute(delete(DirectoryMember).where(
            DirectoryMember.member == name, DirectoryMember.kind == "person")).rowcount
        counts["accounts"] = conn.execute(update(User).where(User.name == name).values(
            name=pseudonym, active=False, password_hash="", session_generation=User.session_generation + 1)).rowcount
        counts["decisions by them"] = _pseudonymise_others(conn, name, pseudonym)
        with erasing_audit(conn, "forget"):
            counts["audit"], addresses = _pseudonymise_audit(conn, name, pseudonym, request_ids)
        counts["sign_in_counters"] = forget_counters(conn, name, addresses)
        conn.execute(insert(AuditRecord).values(at=utcnow(), actor=None, action=FORGOTTEN, target=f"person:{pseudonym}",
                                                after=counts, source=source))
    return pseudonym, counts


def _pseudonymise_others(conn: Connection, name: str, pseudonym: str) -> int:
    """Rows about other people that name this one as the decider (who granted, ended a grant early,
    decided a request or set an adjustment); the note may name them too."""
    pattern = name_pattern(name)
    touched = conn.execute(update(Grant).where(Grant.granted_by == name).values(granted_by=pseudonym)).rowcount
    touched += conn.execute(update(Grant).where(Grant.ended_by == name).values(ended_by=pseudonym)).rowcount
    touched += conn.execute(update(Adjustment).where(Adjustment.set_by == name).values(set_by=pseudonym)).rowcount
    for row in conn.execute(select(AccessRequest.id, AccessRequest.decided_by, AccessRequest.note)).all():
        note = replace_name(row.note, pattern, pseudonym)
        if row.decided_by == name or note != row.note:
            decided_by = pseudonym if row.decided_by == name else row.decided_by
            conn.execute(update(AccessRequest).where(AccessRequest.id == row.id)
                         .values(decided_by=decided_by, note=note))
            touched += 1
    return touched


def _pseudonymise_audit(conn: Connection, name: str, pseudonym: str, request_ids: list[int]) -> tuple[int, set[str]]:
    """Records touched, and the addresses found to be theirs."""
    pattern = name_pattern(name)
    in_json = json.dumps(name)[1:-1]   # as the name is spelt inside a JSON document
    their_requests = {f"request:{number}" for number in request_ids}
    candidates = conn.execute(select(AuditRecord).where(or_(
        AuditRecord.actor == name, AuditRecord.target.contains(name, autoescape=True),
        AuditRecord.target.in_(their_requests),
        cast(AuditRecord.before, String).contains(in_json, autoescape=True),
        cast(AuditRecord.after, String).contains(in_json, autoescape=True)))).all()
    changes: dict[int, dict[str, Any]] = {}
    addresses: set[str] = set()
    for row in candidates:
        change = {}
        if row.actor == name:
            change["actor"] = pseudonym
        about_them = row.target in their_requests or bool(pattern.search(row.target))
        for column in ("target", "before", "after"):
            value = replace_name(getattr(row, column), pattern, pseudonym)
            if about_them and column != "target" and isinstance(value, dict):
                value = {k: (None if k in REQUEST_TEXT else v) for k, v in value.items()}
            if value != getattr(row, column):
                change[column] = value
        if change:
            changes[row.id] = change
        # Where they acted, or tried to sign in as themselves, the address is theirs (not a manager's).
        theirs = row.actor == name or (row.actor is None and row.target == f"account:{name}")
        if theirs and is_address(row.source):
            addresses.add(row.source)
    if addresses:   # the addresses they used identify them in every other record too, whoever it names
        for row_id in conn.scalars(select(AuditRecord.id).where(AuditRecord.source.in_(addresses))):
            changes.setdefault(row_id, {})["source"] = None
    for row_id, change in changes.items():
        conn.execute(update(AuditRecord).where(AuditRecord.id == row_id).values(**change))
    return len(changes), addresses


def spool_mentions(spool_root: Path, name: str) -> dict[Path, int]:
    """Spool files on this host still holding records of `name` (not yet in the database, or set
    aside in rejected.jsonl): path -> records. The spool is the proxies' write-ahead log, appended
    to and read by offset while they run, so it is never rewritten from outside; see docs/privacy.md."""
    found: dict[Path, int] = {}
    for path in sorted(spool_root.glob("*/*.jsonl")):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        count = 0
        for line in lines:
            try:
                count += json.loads(line).get("user") == name
            except (ValueError, AttributeError):
                continue
        if count:
            found[path] = count
    return found
