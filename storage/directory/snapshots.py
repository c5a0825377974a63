"""Directory snapshots in the database, so every proxy and panel worker uses the same memberships.

A snapshot is the directory's groups with their direct members (people by log-in name, nested groups
by DN), dated `taken_at` (first read) and `checked_at` (last read that found it unchanged). A sync that
finds the same content only moves `checked_at`; a changed directory adds a snapshot and the older ones
but the previous are deleted. The status row keeps the last attempt and its error, for the admin page.
Readers look at the newest snapshot's id first (one small query) and load members only when it changed.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from policy.changes.directory import Directory, DirectoryGroup
from storage.base import Base
from storage.usage.tables import BigId
from storage.utc import UTCDateTime

DN = 1024
KEPT = 2   # the newest snapshot and the one before it


class DirectorySnapshot(Base):
    __tablename__ = "directory_snapshots"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    groups: Mapped[int] = mapped_column(Integer)
    people: Mapped[int] = mapped_column(Integer)


class DirectoryMember(Base):
    """One direct member of a directory group: a person (`kind` 'person') or a nested group ('group');
    a group without members has one row of kind 'empty', so it is still known."""
    __tablename__ = "directory_members"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("directory_snapshots.id", ondelete="CASCADE"), index=True)
    group_dn: Mapped[str] = mapped_column(String(DN))
    member: Mapped[str] = mapped_column(String(DN))
    kind: Mapped[str] = mapped_column(String(8))


class DirectoryStatus(Base):
    """The last sync attempt (one row): when, and its error ('' when it succeeded)."""
    __tablename__ = "directory_status"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class Status:
    taken_at: datetime | None       # the snapshot in use: when it was read first ...
    checked_at: datetime | None     # ... and last confirmed
    attempted_at: datetime | None   # the last sync attempt
    error: str                      # its error; "" when it succeeded
    groups: int = 0
    people: int = 0


def store(db: Session, directory: Directory, at: datetime) -> int:
    """Keep `directory` as the newest snapshot (or confirm it); the snapshot's id. Commits."""
    rows = sorted((dn, member, kind) for dn, group in directory.groups.items()
                  for kind, members in (("person", group.people), ("group", group.groups)) for member in members)
    rows += sorted((dn, "", "empty") for dn, group in directory.groups.items() if not group.people | group.groups)
    digest = hashlib.sha256("\n".join("\t".join(row) for row in rows).encode()).hexdigest()
    newest = db.scalar(select(DirectorySnapshot).order_by(DirectorySnapshot.id.desc()).limit(1))
    if newest is not None and newest.digest == digest:
        newest.checked_at = at
        snapshot_id = newest.id
    else:
        people = len({member for _, member, kind in rows if kind == "person"})
        snapshot = DirectorySnapshot(digest=digest, taken_at=at, checked_at=at, groups=len(directory.groups),
                                     people=people)
        db.add(snapshot)
        db.flush()
        snapshot_id = snapshot.id
        for start in range(0, len(rows), 5000):
            db.execute(insert(DirectoryMember), [{"snapshot_id": snapshot_id, "group_dn": dn, "member": member,
                                                  "kind": kind} for dn, member, kind in rows[start:start + 5000]])
        old = db.scalars(select(DirectorySnapshot.id).order_by(DirectorySnapshot.id.desc()).offset(KEPT)).all()
        if old:
            db.execute(delete(DirectoryMember).where(DirectoryMember.snapshot_id.in_(old)))
            db.execute(delete(DirectorySnapshot).where(DirectorySnapshot.id.in_(old)))
    _attempt(db, at, "")
    db.commit()
    return snapshot_id


def record_failure(db: Session, error: str, at: datetime) -> None:
    """The sync could not read the directory: keep the snapshots, remember why. Commits."""
    _attempt(db, at, error)
    db.commit()


def newest_id(db: Session) -> int | None:
    return db.scalar(select(func.max(DirectorySnapshot.id)))


def load(db: Session, snapshot_id: int | None = None) -> Directory | None:
    """The snapshot `snapshot_id` (default: the newest) as the policy uses it; None when there is none."""
    snapshot_id = snapshot_id if snapshot_id is not None else newest_id(db)
    snapshot = db.get(DirectorySnapshot, snapshot_id) if snapshot_id is not None else None
    if snapshot is None:
        return None
    people: dict[str, set[str]] = {}
    inner: dict[str, set[str]] = {}
    empty: set[str] = set()
    for dn, member, kind in db.execute(select(DirectoryMember.group_dn, DirectoryMember.member, DirectoryMember.kind)
                                       .where(DirectoryMember.snapshot_id == snapshot_id)):
        if kind == "empty":
            empty.add(dn)
        else:
            (people if kind == "person" else inner).setdefault(dn, set()).add(member)
    groups = {dn: DirectoryGroup(frozenset(people.get(dn, ())), frozenset(inner.get(dn, ())))
              for dn in set(people) | set(inner) | empty}
    return Directory(groups, snapshot.taken_at, str(snapshot_id))


def status(db: Session) -> Status | None:
    """The newest snapshot's dates and the last attempt; None when no sync has ever run."""
    attempt = db.get(DirectoryStatus, 1)
    newest = db.scalar(select(DirectorySnapshot).order_by(DirectorySnapshot.id.desc()).limit(1))
    if attempt is None and newest is None:
        return None
    return Status(newest.taken_at if newest else None, newest.checked_at if newest else None,
                  attempt.attempted_at if attempt else None, attempt.error if attempt else "",
                  newest.groups if newest else 0, newest.people if newest else 0)


def _attempt(db: Session, at: datetime, error: str) -> None:
    row = db.get(DirectoryStatus, 1)
    if row is None:
        db.add(DirectoryStatus(id=1, attempted_at=at, error=error))
    else:
        row.attempted_at, row.error = at, error
