"""`watercooler usage`: active minutes per day, user and site, with blocked, warned and continued counts.

For admins on the proxy host (managers use the panel). Days are the policy's local days; without
--since/--until the last 7 days are shown. `--group` resolves members through the rules.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta
from pathlib import Path

from cli import rules_folder
from cli.db import DB_HELP

COLUMNS = ("day", "user", "site", "minutes", "blocked", "warned", "continued")


def register(subparsers) -> None:
    parser = subparsers.add_parser("usage", help="show recorded usage: minutes and blocked/warned counts",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--user", help="only this user")
    parser.add_argument("--group", help="only members of this group of the rules (see --rules)")
    parser.add_argument("--site", help="only this site (its name in the rules, e.g. facebook)")
    parser.add_argument("--since", type=_day, metavar="DATE", help="first day, YYYY-MM-DD (default: 6 days ago)")
    parser.add_argument("--until", type=_day, metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--json", action="store_true", help="print one JSON list of rows")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--rules", metavar="DIR",
                        help="the rules folder, for --group (default: $WATERCOOLER_RULES, else ./rules)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import StorageError, describe, make_engine, resolve_url
    from storage.usage.summary import usage_rows
    from storage.writer.health import describe_error

    in_group = _group_filter(args)
    if in_group is False:
        return 1
    since = args.since or (args.until or date.today()) - timedelta(days=6)
    try:
        url = resolve_url(args.db)
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            print(f"No usage recorded yet: {url.database} does not exist (it appears when the proxy "
                  "first runs; give --db or $WATERCOOLER_DB for another database).")
            return 0
        engine = make_engine(url)
    except StorageError as exc:
        print(f"watercooler usage: {exc}", file=sys.stderr)
        return 1
    try:
        rows = usage_rows(engine, since=since, until=args.until, site=args.site,
                          users=None if args.user is None else [args.user])
    except SQLAlchemyError as exc:
        print(f"watercooler usage: cannot read usage from {describe(engine.url)}: {describe_error(exc)} "
              "(has a proxy run yet? `watercooler db upgrade` creates the tables)", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    rows = [row for row in rows if in_group is None or in_group(row.user)]
    if args.json:
        print(json.dumps([row.to_json() for row in rows], indent=2))
    else:
        _print_table(rows, since, args.until)
    return 0


def _group_filter(args):
    """None (no --group), a predicate on user names, or False after printing why not."""
    if not args.group:
        return None
    policy = rules_folder.load(args, "usage")
    if policy is None:
        return False
    if args.group not in policy.doc.groups:
        known = ", ".join(sorted(policy.doc.groups)) or "none"
        print(f"watercooler usage: no group {args.group!r} in {rules_folder.folder(args)} (groups: {known})",
              file=sys.stderr)
        return False
    return lambda user: bool(user) and args.group in policy.groups_of(user)


def _print_table(rows, since: date, until: date | None) -> None:
    span = f"{since.isoformat()} to {(until or date.today()).isoformat()}"
    if not rows:
        print(f"No usage recorded from {span}.")
        return
    cells = [[str(getattr(row, c)) if c != "user" else row.user or "(anonymous)" for c in COLUMNS] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(COLUMNS)]
    for line in [[c.upper() for c in COLUMNS], *cells]:
        print("  ".join(v.rjust(w) if i >= 3 else v.ljust(w)
                        for i, (v, w) in enumerate(zip(line, widths, strict=True))).rstrip())
    totals = [sum(getattr(row, c) for row in rows) for c in COLUMNS[3:]]
    print(f"{len(rows)} rows from {span}: {totals[0]} active minutes, {totals[1]} blocked, "
          f"{totals[2]} warned, {totals[3]} continued")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None
