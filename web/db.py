"""The panel's database: one engine per app, one session per request (closed when the request ends).

A view that reads and then writes calls `begin_write()` first: on SQLite its transaction then holds
the write lock from its start, so it queues behind the proxies' usage writes (up to the busy timeout)
instead of failing when a read turns into a write after someone else wrote; PostgreSQL needs no such
thing. Only those views do: sign-in writes its counters on connections of its own meanwhile.
"""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from storage.base import Base
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import metadata  # noqa: F401  (registers every table on Base.metadata)

EXTENSION = "watercooler.db"


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DB"])  # None: $WATERCOOLER_DB, else SQLite in the data folder
    setup = app.config["DB_SETUP"]
    if setup == "upgrade":
        upgrade(engine)  # under a lock: proxies and panels starting together migrate once
    elif setup == "create":
        Base.metadata.create_all(engine)  # throwaway databases in tests: no migration history needed
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions[EXTENSION].kw["bind"]


def db() -> Session:
    """This request's session (opened on first use)."""
    if "db" not in g:
        g.db = current_app.extensions[EXTENSION]()
    return g.db


def begin_write() -> Session:
    """This request's session in a fresh transaction that takes SQLite's write lock as it begins.
    Call it before the view reads what it will write (what the session read so far is dropped)."""
    session = db()
    session.rollback()
    session.connection(execution_options={"sqlite_immediate": True})
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
