"""`watercooler purge`: apply retention — usage, access requests and grants, the audit trail.

The panel does the same once a day while it runs; this is for shells and cron. Each period defaults
to the panel's setting in the environment, else to `storage.privacy.retention.Retention`'s default.
"""
from __future__ import annotations

import argparse
import os
import sys

from storage.privacy.retention import Retention

# option, Retention field, environment variable (the panel's setting), what it keeps
PERIODS = [
    ("--days", "usage_days", "WATERCOOLER_RETENTION_DAYS", "keep this many days of usage, today included"),
    ("--request-days", "request_days", "WATERCOOLER_REQUEST_RETENTION_DAYS",
     "keep access requests and grants this many days after they end"),
    ("--audit-days", "audit_days", "WATERCOOLER_AUDIT_RETENTION_DAYS", "keep audit records this many days"),
    ("--audit-address-days", "audit_address_days", "WATERCOOLER_AUDIT_ADDRESS_DAYS",
     "keep addresses, failed sign-in names and request reasons in the audit this many days"),
]


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days (1 or more)")
    return int(text)


def register(subparsers) -> None:
    parser = subparsers.add_parser("purge", help="apply retention: delete what is older than its period",
                                   description=__doc__.splitlines()[0])
    for option, field, variable, what in PERIODS:
        fallback = getattr(Retention(), field)
        given = os.environ.get(variable, "")
        default = int(given) if given.isdigit() and int(given) else fallback
        parser.add_argument(option, dest=field, metavar="DAYS", type=_days, default=default,
                            help=f"{what} (default ${variable} or {fallback})")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $WATERCOOLER_DB, or SQLite in ./data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import StorageError, make_engine
    from storage.privacy.retention import purge

    retention = Retention(**{field: getattr(args, field) for _, field, _, _ in PERIODS})
    try:
        engine = make_engine(args.db)
        deleted = purge(engine, retention)
    except StorageError as exc:
        print(f"watercooler purge: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"watercooler purge: cannot purge ({reason}); check --db, and run `watercooler db upgrade` first",
              file=sys.stderr)
        return 1
    print(f"Kept the last {retention.usage_days} days of usage, requests and grants {retention.request_days} days "
          f"after they end, the audit {retention.audit_days} days (addresses {retention.audit_address_days}).")
    print("Deleted or erased: " + ", ".join(f"{count} {kind}" for kind, count in deleted.items()) + ".")
    return 0
