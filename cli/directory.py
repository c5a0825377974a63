"""`watercooler directory sync|status`: read the directory's groups into the database, or say how fresh they are.

The panel syncs every few minutes by itself and the proxy once at start; `sync` is for a first
snapshot, a cron job, or to see at once whether the directory can be read with the settings given
in `WATERCOOLER_DIRECTORY_*` (docs/deploy.md).
"""
from __future__ import annotations

import argparse
import os
import sys

from cli.db import DB_HELP


def register(subparsers) -> None:
    parser = subparsers.add_parser("directory", help="sync groups from the company directory (LDAP)",
                                   description="Sync groups from the company directory (LDAP, Active Directory).")
    actions = parser.add_subparsers(dest="directory_action", metavar="ACTION", required=True)
    for name, help_text in (("sync", "read the directory's groups now and store a snapshot"),
                            ("status", "show the snapshot in use, its age and the last error")):
        action = actions.add_parser(name, help=help_text, description=help_text[0].upper() + help_text[1:] + ".")
        action.add_argument("--db", metavar="URL", help=DB_HELP)
        action.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from storage.db import StorageError, make_engine
    from storage.directory import snapshots
    from storage.directory.ldap import DirectoryError
    from storage.directory.settings import DirectorySettingsError, from_environ
    from storage.directory.sync import sync_once
    from storage.migrate import upgrade

    command = f"watercooler directory {args.directory_action}"
    try:
        settings = from_environ(os.environ)
        if settings is None and args.directory_action == "sync":
            print(f"{command}: no directory is configured; set WATERCOOLER_DIRECTORY_URL and the other "
                  "WATERCOOLER_DIRECTORY_* settings (docs/deploy.md)", file=sys.stderr)
            return 2
        engine = make_engine(args.db)
        try:
            upgrade(engine)
            if settings is not None and args.directory_action == "sync":
                directory = sync_once(settings, engine)
                people = len({p for group in directory.groups.values() for p in group.people})
                print(f"{len(directory.groups)} group(s) and {people} person(s) read from {settings.url}.")
                return 0
            with Session(engine) as db:
                status = snapshots.status(db)
        finally:
            engine.dispose()
    except (DirectorySettingsError, StorageError) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 2
    except DirectoryError as exc:
        print(f"{command}: {exc}; the last snapshot stays in use", file=sys.stderr)
        return 1
    print(describe_status(status))
    return 0 if status is not None and not status.error else 1


def describe_status(status) -> str:
    if status is None:
        return "No directory snapshot yet: directory groups have only their listed members."
    lines = []
    if status.taken_at is not None:
        lines.append(f"Snapshot in use: {status.groups} group(s), {status.people} person(s), read "
                     f"{status.taken_at:%Y-%m-%d %H:%M} UTC, last confirmed {status.checked_at:%Y-%m-%d %H:%M} UTC.")
    else:
        lines.append("No directory snapshot yet: directory groups have only their listed members.")
    if status.error:
        lines.append(f"Last attempt {status.attempted_at:%Y-%m-%d %H:%M} UTC failed: {status.error}")
    return "\n".join(lines)
