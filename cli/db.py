"""`watercooler db upgrade`: bring the usage and panel database to the newest schema.

The proxy and the panel also upgrade at start; this is for admins who prefer to do it by hand
(before a rollout, or to check that the database is reachable).
"""
from __future__ import annotations

import argparse
import sys

DB_HELP = "database URL (default: $WATERCOOLER_DB, or SQLite in the data folder: $WATERCOOLER_DATA or ./data)"


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="manage the usage and panel database",
                                   description="Manage the usage and panel database.")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="apply migrations up to the newest schema",
                                 description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    upgrade.add_argument("--db", metavar="URL", help=DB_HELP)
    upgrade.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from storage.db import StorageError, describe, make_engine
    from storage.migrate import current_revision, upgrade

    try:
        engine = make_engine(args.db)
        try:
            before = _revision_or_none(engine, current_revision)
            after = upgrade(engine)
        finally:
            engine.dispose()
    except StorageError as exc:
        print(f"watercooler db upgrade: {exc}", file=sys.stderr)
        return 1
    where = describe(engine.url)
    if before == after:
        print(f"{where} is up to date (revision {after}).")
    else:
        print(f"{where} upgraded from {before or 'empty'} to revision {after}.")
    return 0


def _revision_or_none(engine, current_revision) -> str | None:
    """The revision now, or None when it cannot be read yet (upgrade then says why, in one line)."""
    try:
        return current_revision(engine)
    except Exception:
        return None
