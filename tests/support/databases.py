"""Databases for the usage-storage tests: a SQLite file, and the real PostgreSQL.

PostgreSQL tests get a fresh schema each (`t_<hex>`, dropped afterwards) in the server's `test`
database: schemas keep tests apart without CREATE/DROP DATABASE, which force a checkpoint of the
whole server and take seconds on a busy machine. Outside CI, with no PostgreSQL reachable, they skip
with a line saying how to run them; with CI=true they must run, so an absent server fails loudly.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.migrate import upgrade

PG_SERVER = os.environ.get("WATERCOOLER_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _admin(url: str) -> Engine:
    return create_engine(url, connect_args={"connect_timeout": 3}, isolation_level="AUTOCOMMIT")


def _unreachable(exc: OperationalError) -> None:
    if os.environ.get("CI") == "true":
        raise exc
    reason = str(exc.orig).strip().splitlines()[0]
    pytest.skip(f"PostgreSQL not reachable at {PG_SERVER} ({reason}); start it on 127.0.0.1:5432 "
                "(trust auth) or set WATERCOOLER_TEST_PG=postgresql+psycopg://USER@HOST:PORT/DB to run these")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The PostgreSQL database the tests' schemas live in; skips (or fails in CI) when unreachable."""
    admin = _admin(PG_SERVER)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        _unreachable(exc)
    finally:
        admin.dispose()
    yield PG_SERVER


def schema_url(database: str) -> Iterator[str]:
    """A URL whose connections live in a fresh schema of `database`, dropped afterwards."""
    admin = _admin(database)
    schema = f"t_{secrets.token_hex(5)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{database}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url(pg_database) -> Iterator[str]:
    """An empty PostgreSQL schema, for the few tests that only make sense on PostgreSQL."""
    yield from schema_url(pg_database)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'watercooler.db'}"
    else:
        yield from schema_url(request.getfixturevalue("pg_database"))


@pytest.fixture
def usage_engine(db_url) -> Iterator[Engine]:
    """An engine on a database upgraded to the newest schema."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def migrated_session(usage_engine) -> Iterator[Session]:
    """An ORM session on a database upgraded to the newest schema."""
    with Session(usage_engine) as session:
        yield session


def sorted_rows(url: str, *columns) -> list:
    """Every row of `columns` in the database at `url`, sorted: what a test compares against."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(select(*columns)).all())
    finally:
        engine.dispose()


def count_rows(url: str, model, **where) -> int:
    """How many rows of `model` the database at `url` holds with these column values."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model).filter_by(**where))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def shared_usage_engine(request, tmp_path_factory) -> Iterator[Engine]:
    """One upgraded database per backend for the whole session (use `usage_conn` to stay clean)."""
    if request.param == "sqlite":
        url, cleanup = f"sqlite:///{tmp_path_factory.mktemp('usage') / 'watercooler.db'}", None
    else:
        cleanup = schema_url(request.getfixturevalue("pg_database"))
        url = next(cleanup)
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    if cleanup:
        cleanup.close()


@pytest.fixture
def usage_conn(shared_usage_engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    with shared_usage_engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()
