"""Bring a database up to the newest schema; used by `watercooler db upgrade` and at proxy/panel start.

Several proxies may start together on one PostgreSQL, or two processes on one SQLite file: the
upgrade runs in one transaction behind a lock (a PostgreSQL advisory lock; SQLite's write lock via
BEGIN IMMEDIATE), so the second waits and then finds nothing left to do.
"""
from __future__ import annotations

import logging
import threading
import time
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from storage.db import StorageError, describe, make_engine, write_connection

# Any constant will do, as long as every Watercooler process uses the same one.
UPGRADE_LOCK_ID = 0x57415443  # "WATC"
_ONE_UPGRADE_AT_A_TIME = threading.Lock()
# How long a start waits on SQLite for another process's upgrade, beyond the busy timeout.
LOCKED_PATIENCE_S = 60
# Alembic announces its plugins at INFO on every run; the migrations it applies stay visible.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def alembic_config() -> Config:
    """The packaged alembic.ini, with paths that work from a checkout or an installed copy."""
    ini = files("storage") / "alembic.ini"
    config = Config(str(ini))
    config.set_main_option("script_location", str(files("storage") / "migrations"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_once(engine: Engine, revision: str) -> str:
    # Alembic keeps the running migration's context in module-level proxies (`alembic.context`,
    # `alembic.op`): two upgrades at once in one process, even of different databases, would run
    # each other's steps. The database locks below only order processes; this orders threads.
    with _ONE_UPGRADE_AT_A_TIME, write_connection(engine) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # A migration (or another proxy's, behind the lock) takes what it takes: the
                # statement timeout that guards the usage writer must not cancel it half-way.
                conn.execute(text("SET LOCAL statement_timeout = 0"))
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": UPGRADE_LOCK_ID})
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
        return MigrationContext.configure(conn).get_current_revision() or ""


def upgrade(target: Engine | str | None = None, revision: str = "head",
            patience_s: float = LOCKED_PATIENCE_S) -> str:
    """Apply migrations up to `revision`; returns the revision the database is at afterwards.

    On SQLite, waits up to `patience_s` for another process's upgrade (callers with a retry loop of
    their own, like the usage writer, pass 0).

    Raises StorageError (one sentence, password hidden) when the database cannot be reached.
    """
    engine = target if isinstance(target, Engine) else make_engine(target)
    deadline = time.monotonic() + patience_s
    try:
        while True:
            try:
                return _upgrade_once(engine, revision)
            except OperationalError as exc:
                # SQLite's busy timeout can run out while another process migrates on a slow machine;
                # that process is making progress, so wait for it rather than refuse to start.
                if "database is locked" not in str(exc.orig) or time.monotonic() > deadline:
                    raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        error = StorageError(f"cannot upgrade the database {describe(engine.url)}: {reason}")
        error.reason = reason
        raise error from None
    finally:
        if not isinstance(target, Engine):
            engine.dispose()
