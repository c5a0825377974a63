"""`watercooler user add|passwd`, run as an admin would on the panel's host."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import AuditRecord
from storage.db import make_engine
from storage.migrate import upgrade
from storage.sign_in.accounts import authenticate
from tests.support.cli_run import watercooler
from tests.support.databases import BACKENDS, schema_url

PASSWORD = "correct horse battery"


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'panel.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def _session(url: str) -> Session:
    return Session(make_engine(url))


def test_add_creates_an_account_that_signs_in_and_is_audited(db_url):
    result = watercooler("user", "add", "carol", "--role", "manager", "--password-stdin", "--db", db_url,
                         stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Account created: carol (manager); they choose their own password at first sign-in."
    with _session(db_url) as db:
        carol = authenticate(db, "carol", PASSWORD)
        assert carol.role == "manager" and carol.must_change_password
        entry = db.scalars(select(AuditRecord)).one()
        assert (entry.action, entry.target, entry.after) == ("account created", "account:carol",
                                                             {"role": "manager", "active": True})
        assert entry.source.startswith("command line")


def test_passwd_sets_a_new_password(db_url):
    watercooler("user", "add", "carol", "--role", "manager", "--password-stdin", "--db", db_url, stdin=PASSWORD)
    result = watercooler("user", "passwd", "carol", "--password-stdin", "--db", db_url, stdin="a new passphrase\n")
    assert result.returncode == 0, result.stderr
    with _session(db_url) as db:
        assert authenticate(db, "carol", PASSWORD) is None
        assert authenticate(db, "carol", "a new passphrase").must_change_password


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["add", "carol", "--role", "manager"], PASSWORD, "no terminal to ask for the password"),
    (["add", "bad name", "--role", "employee", "--password-stdin"], PASSWORD, "letters, digits"),
    (["add", "carol", "--role", "employee", "--password-stdin"], "short", "12 to 1024 characters"),
    (["add", "carol", "--role", "employee", "--password-stdin"], "password1234", "common or easily guessed"),
    (["passwd", "nobody", "--password-stdin"], PASSWORD, "no account named nobody"),
])
def test_mistakes_get_one_sentence_and_exit_1(db_url, args, stdin, message):
    result = watercooler("user", *args, "--db", db_url, stdin=stdin)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_adding_an_existing_name_points_to_passwd(db_url):
    watercooler("user", "add", "carol", "--role", "manager", "--password-stdin", "--db", db_url, stdin=PASSWORD)
    again = watercooler("user", "add", "carol", "--role", "admin", "--password-stdin", "--db", db_url, stdin=PASSWORD)
    assert again.returncode == 1
    assert "account carol exists; use `watercooler user passwd carol`" in again.stderr
    cased = watercooler("user", "add", "Carol", "--role", "admin", "--password-stdin", "--db", db_url, stdin=PASSWORD)
    assert cased.returncode == 1 and "account Carol exists" in cased.stderr


def test_an_unmigrated_database_says_what_to_run(tmp_path):
    result = watercooler("user", "add", "carol", "--role", "manager", "--password-stdin",
                         "--db", f"sqlite:///{tmp_path / 'empty.db'}", stdin=PASSWORD)
    assert result.returncode == 1
    assert "no such table: accounts" in result.stderr and "run `watercooler db upgrade` first" in result.stderr


@pytest.fixture(params=BACKENDS)
def either_db(request, tmp_path):
    """A migrated database: a SQLite file, then a PostgreSQL schema."""
    schema = None if request.param == "sqlite" else schema_url(request.getfixturevalue("pg_database"))
    url = f"sqlite:///{tmp_path / 'panel.db'}" if schema is None else next(schema)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    if schema is not None:
        schema.close()


def test_two_admins_adding_one_name_in_two_spellings_at_once_get_one_account_and_a_sentence(either_db):
    db_url = either_db
    results = {}

    def add(name):
        results[name] = watercooler("user", "add", name, "--role", "employee", "--password-stdin", "--db", db_url,
                                    stdin=PASSWORD + "\n")     # the helper fails on any traceback

    threads = [threading.Thread(target=add, args=(name,)) for name in ("alice", "Alice")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(result.returncode for result in results.values()) == [0, 1]
    refused = next(result for result in results.values() if result.returncode == 1)
    assert "exists" in refused.stderr and "use `watercooler user passwd" in refused.stderr
    with _session(db_url) as db:
        assert len(db.scalars(select(AuditRecord)).all()) == 1
