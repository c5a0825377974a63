"""Revision 0005_sign_in: names that differ only in case stop the upgrade, named; otherwise one
name per spelling from then on, and every account keeps signing in as before."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.db import StorageError, make_engine, write_connection
from storage.migrate import current_revision, upgrade
from storage.sign_in.accounts import find_user, new_user
from storage.utc import utcnow

HASH = new_user("seed", "employee", "a long and odd passphrase").password_hash


def _add(engine, *names):
    """Accounts as revision 0003 knew them (no must_change_password yet)."""
    with write_connection(engine) as conn, conn.begin():
        for name in names:
            conn.execute(text("INSERT INTO accounts (name, role, password_hash, session_generation, active, "
                              "created_at, password_changed_at) VALUES (:name, 'employee', :hash, 0, :yes, "
                              ":now, :now)"), {"name": name, "hash": HASH, "yes": True, "now": utcnow()})


def test_names_that_differ_only_in_case_refuse_the_upgrade_and_are_named(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0004_retention")
        _add(engine, "Alice", "alice", "bob", "ERIN", "erin", "Erin")
        with pytest.raises(StorageError) as refused:
            upgrade(engine)
        message = str(refused.value)
        assert "differ only in case: Alice, alice, ERIN, Erin, erin;" in message
        assert "rename or remove all but one of each" in message and "bob" not in message
        assert current_revision(engine) == "0004_retention"   # nothing changed
    finally:
        engine.dispose()


def test_after_the_upgrade_one_spelling_per_name(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0004_retention")
        _add(engine, "Alice")
        upgrade(engine)
        with Session(engine) as db:
            alice = find_user(db, "ALICE")
            assert alice.name == "Alice" and alice.must_change_password is False
            db.add(new_user("alice", "employee", "another odd passphrase"))
            with pytest.raises(IntegrityError):
                db.commit()
    finally:
        engine.dispose()
