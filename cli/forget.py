"""`watercooler forget NAME`: remove one person from the database, pseudonymise what others did with them.

Asks for confirmation unless `--yes`. Prints what was removed, records that a person was forgotten in
the audit trail (under the pseudonym, never the name), and warns about spool files on this host that
still hold records of the person.
"""
from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("forget", help="remove one person's records; pseudonymise their name elsewhere",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("name", metavar="NAME", help="the user name, as the proxy and the panel know it")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $WATERCOOLER_DB, or SQLite in ./data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import StorageError, data_dir, make_engine
    from storage.privacy.forget import forget, spool_mentions

    if not args.name.strip():
        print("watercooler forget: give the name to forget", file=sys.stderr)
        return 2
    if not args.yes:
        if not sys.stdin.isatty():
            print("watercooler forget: no terminal to confirm on; add --yes to forget without asking", file=sys.stderr)
            return 2
        answer = input(f"Forget {args.name}: delete their usage, requests, grants and account, and replace their "
                       "name in the audit trail? This cannot be undone. Type the name again to confirm: ")
        if answer.strip() != args.name:
            print("Nothing was changed.")
            return 1
    try:
        engine = make_engine(args.db)
        pseudonym, counts = forget(engine, args.name, source=f"command line ({getpass.getuser()})")
    except StorageError as exc:
        print(f"watercooler forget: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"watercooler forget: cannot forget ({reason}); nothing was changed. Check --db, and run "
              "`watercooler db upgrade` first", file=sys.stderr)
        return 1
    print(f"Forgot {args.name}; the audit trail now says {pseudonym}.")
    for step, count in counts.items():
        print(f"  {step}: {count}")
    waiting = spool_mentions(data_dir() / "spool", args.name)
    for path, count in waiting.items():
        print(f"watercooler forget: {path} still holds {count} record{"s" if count != 1 else ""} of {args.name}: "
              "they reach the database when the proxy writes them; run this again once the spool is empty "
              "(rejected.jsonl: delete the file once you have looked at it)", file=sys.stderr)
    return 3 if waiting else 0
