"""Snapshots: stored once per change, confirmed when unchanged, the last two kept, failures beside them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from policy.changes.directory import Directory, DirectoryGroup
from storage.directory import snapshots
from storage.directory.snapshots import DirectoryMember, DirectorySnapshot

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
MARKETING, INTERNS, EMPTY = "cn=marketing,dc=x", "cn=interns,dc=x", "cn=empty,dc=x"


def directory(*people: str) -> Directory:
    return Directory({MARKETING: DirectoryGroup(frozenset(people), frozenset({INTERNS})),
                      INTERNS: DirectoryGroup(frozenset({"ivan"}), frozenset()),
                      EMPTY: DirectoryGroup(frozenset(), frozenset())})


def test_a_stored_snapshot_loads_as_it_was_read_with_empty_groups_still_known(db):
    assert snapshots.load(db) is None and snapshots.status(db) is None
    snapshots.store(db, directory("alice", "bob"), T0)
    loaded = snapshots.load(db)
    assert loaded.groups == directory("alice", "bob").groups and loaded.taken_at == T0
    assert loaded.knows(EMPTY) and set(loaded.people_of(MARKETING)) == {"alice", "bob", "ivan"}
    assert snapshots.status(db) == snapshots.Status(T0, T0, T0, "", groups=3, people=3)


def test_an_unchanged_directory_only_confirms_and_a_change_keeps_the_one_before(db):
    first = snapshots.store(db, directory("alice"), T0)
    assert snapshots.store(db, directory("alice"), T0 + timedelta(minutes=5)) == first
    assert snapshots.status(db).checked_at == T0 + timedelta(minutes=5) and snapshots.status(db).taken_at == T0
    second = snapshots.store(db, directory("bob"), T0 + timedelta(minutes=10))
    third = snapshots.store(db, directory("carol"), T0 + timedelta(minutes=15))
    assert db.scalars(select(DirectorySnapshot.id).order_by(DirectorySnapshot.id)).all() == [second, third]
    assert db.scalar(select(func.count()).select_from(DirectoryMember).where(DirectoryMember.snapshot_id == first)) == 0
    assert snapshots.newest_id(db) == third and set(snapshots.load(db, second).people_of(MARKETING)) == {"bob", "ivan"}


def test_a_failure_is_recorded_beside_the_snapshot_in_use(db):
    snapshots.store(db, directory("alice"), T0)
    snapshots.record_failure(db, "cannot reach the directory at ldap://dc1: timed out", T0 + timedelta(minutes=5))
    status = snapshots.status(db)
    assert (status.taken_at, status.attempted_at, status.error) == (
        T0, T0 + timedelta(minutes=5), "cannot reach the directory at ldap://dc1: timed out")
    assert set(snapshots.load(db).people_of(MARKETING)) == {"alice", "ivan"}


def test_forgetting_a_person_removes_them_from_the_snapshots(db, usage_engine):
    from storage.privacy.forget import forget
    snapshots.store(db, directory("alice", "bob"), T0)
    db.commit()
    _, counts = forget(usage_engine, "alice", source="test")
    assert counts["directory_members"] == 1
    db.expire_all()
    assert set(snapshots.load(db).people_of(MARKETING)) == {"bob", "ivan"}
