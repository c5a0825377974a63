"""A database the test can take away and give back, for SQLite and PostgreSQL alike.

PostgreSQL: the writer connects through a `TcpRelay`, which the test cuts and restores. SQLite has no
connection to cut, so its outage is another process's write lock held for as long as the test likes
(the writer then hits its busy timeout: "database is locked"), which is what a second program
holding the file does.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

from storage.db import make_engine
from tests.support.tcp_relay import TcpRelay


class _SqliteLock:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.conn = None

    def cut(self) -> None:
        self.conn = self.engine.connect().execution_options(sqlite_immediate=True)
        self.conn.begin()          # BEGIN IMMEDIATE: nobody else writes until we let go

    def restore(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None

    def slow(self, seconds: float) -> None:
        raise NotImplementedError("SQLite has no network to slow down")


@contextmanager
def database_outage(url: str) -> Iterator[tuple[str, object]]:
    """(URL the writer should use, control with cut()/restore()) for the database at `url`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        lock = _SqliteLock(url)
        try:
            yield url, lock
        finally:
            lock.restore()
            lock.engine.dispose()
        return
    with TcpRelay(parsed.host or "127.0.0.1", parsed.port or 5432) as relay:
        yield parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False), relay

