"""Where usage lives: one engine factory for SQLite (the default) and PostgreSQL (several proxies).

SQLite runs in WAL mode with a busy timeout, so a second proxy process on the same file works: only
the background writer ever writes, it waits its turn, and a write that still fails stays in the spool
and is retried — "database is locked" never reaches a request.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from storage.privacy.private import private_file, private_folder

SQLITE_BUSY_MS = 5000
# Fail fast and notice dead peers: a hung database must never hold the writer for minutes.
PG_CONNECT_ARGS = {"connect_timeout": 3, "keepalives": 1, "keepalives_idle": 5,
                   "keepalives_interval": 2, "keepalives_count": 2, "tcp_user_timeout": 10000}


@dataclass(frozen=True)
class DbTimeouts:
    """How long one connection attempt and one statement may take (the proxy's usage storage)."""
    connect: float = 3.0        # PostgreSQL `connect_timeout`: the whole start-up, not just the TCP connect
    statement: float = 10.0     # PostgreSQL `statement_timeout`; SQLite: how long a write waits for the lock
URL_HELP = "use sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"


class StorageError(Exception):
    """A problem an admin can fix (bad URL, unreachable server...), worded as one sentence."""
    reason: str | None = None   # the underlying cause alone, for messages that name the database already


def data_dir() -> Path:
    """The data folder: `$WATERCOOLER_DATA`, or ./data (created on first use)."""
    return Path(os.environ.get("WATERCOOLER_DATA") or "data")


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use: the argument, `$WATERCOOLER_DB`, or SQLite in the data folder."""
    text = url or os.environ.get("WATERCOOLER_DB") or ""
    if not text:
        return make_url(f"sqlite:///{(data_dir() / 'watercooler.db').resolve()}")
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise StorageError(f"invalid database URL {text!r}: {URL_HELP}") from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database or parsed.database == ":memory:":
            raise StorageError(f"invalid database URL {text!r}: SQLite needs a file path; {URL_HELP}")
        return parsed
    raise StorageError(f"unsupported database {parsed.drivername!r} in {describe(parsed)}: {URL_HELP}")


def describe(url: URL | str) -> str:
    """The URL with its password hidden, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | URL | None = None, timeouts: DbTimeouts | None = None) -> Engine:
    """An engine for `url` (see `resolve_url`); SQLite's folder is created when missing.

    With `timeouts`, every connection carries them (the server cancels a statement that runs longer);
    without, PostgreSQL statements may run as long as they need."""
    resolved = url if isinstance(url, URL) else resolve_url(url)
    if resolved.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved, timeouts.statement * 1000 if timeouts else SQLITE_BUSY_MS)
    connect_args: dict[str, int | str] = dict(PG_CONNECT_ARGS)
    if timeouts:
        connect_args["connect_timeout"] = max(1, round(timeouts.connect))   # libpq takes whole seconds
        # `options` given here replaces the URL's own (a search_path, say): keep both.
        given = resolved.query.get("options") or ""
        given = " ".join(given) if isinstance(given, tuple) else given
        connect_args["options"] = f"{given} -c statement_timeout={round(timeouts.statement * 1000)}".strip()
    return create_engine(resolved, pool_pre_ping=True, pool_size=4, max_overflow=4, connect_args=connect_args)


def _sqlite_engine(url: URL, busy_ms: float) -> Engine:
    path = Path(url.database or "")
    try:
        private_file(private_folder(path.parent) / path.name)   # SQLite's -wal and -shm take its mode
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {path.parent}: {exc.strerror}") from None
    busy_ms = round(busy_ms)
    engine = create_engine(url, connect_args={"timeout": busy_ms / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:   # the driver's own connection
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions defeat BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={busy_ms}", "foreign_keys=ON",
                       "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front, so two processes queue on the busy timeout instead
        # of failing when a read transaction tries to become a write transaction.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def write_connection(engine: Engine) -> Connection:
    """A connection for writing: BEGIN IMMEDIATE on SQLite, a plain transaction elsewhere."""
    return engine.connect().execution_options(sqlite_immediate=True)


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through a Session changed (Session.execute is typed as
    returning a Result; for those statements it is a CursorResult, which counts them)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount
