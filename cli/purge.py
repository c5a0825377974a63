"""`watercooler purge`: delete usage older than the retention period (default 90 days).

The panel does the same once a day while it runs; this is for shells and cron.
"""
from __future__ import annotations

import argparse
import os
import sys

from storage.retention import DEFAULT_DAYS


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (1 or more)")
    return int(text)


def register(subparsers) -> None:
    default = os.environ.get("WATERCOOLER_RETENTION_DAYS", str(DEFAULT_DAYS))
    parser = subparsers.add_parser("purge", help="delete usage older than the retention period",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=_days, default=_days(default) if default.isdigit() else DEFAULT_DAYS,
                        help=f"keep this many days, today included (default $WATERCOOLER_RETENTION_DAYS or {DEFAULT_DAYS})")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $WATERCOOLER_DB, or SQLite in ./data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import StorageError, make_engine
    from storage.retention import purge_usage

    try:
        engine = make_engine(args.db)
        deleted = purge_usage(engine, args.days)
    except StorageError as exc:
        print(f"watercooler purge: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"watercooler purge: cannot purge ({reason}); check --db, and run `watercooler db upgrade` first",
              file=sys.stderr)
        return 1
    print(f"Kept the last {args.days} days; deleted " + ", ".join(f"{count} {table}" for table, count in deleted.items())
          + ".")
    return 0
