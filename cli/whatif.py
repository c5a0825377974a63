"""`watercooler whatif`: replay recorded usage through a draft of the rules and the rules in force, and compare.

Each person's recorded minutes of the period go through both, in their own order, with the panel's
adjustments and grants of each moment, so budgets run out when they would have. Exit 0; 1 with
--fail-on-change when more than that share of minutes changes outcome; 2 when the draft or the rules do
not load, or the usage cannot be read.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from cli import rules_folder
from cli.db import DB_HELP

MIN_GROUP_SIZE = 5     # the panel's default (web/config.py); WATERCOOLER_MIN_GROUP_SIZE sets both


def register(subparsers) -> None:
    parser = subparsers.add_parser("whatif", help="replay recorded usage through a draft of the rules",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("draft", metavar="DRAFT", help="the draft rules folder")
    parser.add_argument("--rules", metavar="DIR", help="the rules in force (default: $WATERCOOLER_RULES, else ./rules)")
    parser.add_argument("--since", type=_since, default="7d", metavar="7d|DATE",
                        help="first day: N days back (7d: today and the 6 days before) or YYYY-MM-DD (default 7d)")
    parser.add_argument("--until", type=_date, metavar="DATE", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--all-figures", action="store_true",
                        help="print every figure, those of fewer than $WATERCOOLER_MIN_GROUP_SIZE people too "
                             "(labelled as such; for the proxy host's admins)")
    parser.add_argument("--fail-on-change", type=_percent, metavar="PERCENT",
                        help="exit 1 when more than PERCENT %% of the replayed minutes change outcome (for CI)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policy.whatif.report import render, to_json
    from storage.db import StorageError

    if not Path(args.draft).is_dir():
        return _fail(f"no draft folder at {args.draft}; give the folder holding the draft's *.yaml files")
    current = rules_folder.load(argparse.Namespace(rules=args.rules), "whatif")
    draft = rules_folder.load(argparse.Namespace(rules=args.draft), "whatif") if current is not None else None
    if draft is None:
        return 2
    until = args.until or datetime.now(current.timezone).date()
    since = args.since if isinstance(args.since, date) else until - timedelta(days=args.since - 1)
    if since > until:
        return _fail(f"--since {since} is after --until {until}")
    try:
        report = replay(args.db, current, draft, since, until)
    except StorageError as exc:
        return _fail(str(exc))
    minimum = 0 if args.all_figures else min_group_size()
    if args.json:
        print(json.dumps(to_json(report, draft.doc, minimum), indent=2, ensure_ascii=False))
    else:
        names = (str(rules_folder.folder(argparse.Namespace(rules=args.rules))), args.draft)
        print(render(report, draft.doc, minimum, names))
    if args.fail_on_change is not None and report.changed_share > args.fail_on_change:
        # decided on every minute, hidden ones too; the share itself is printed with --all-figures only
        share = f" ({report.changed_share:.1f}%)" if args.all_figures else ""
        print(f"watercooler whatif: more than --fail-on-change {args.fail_on_change:g}% of the replayed minutes "
              f"change outcome{share}", file=sys.stderr)
        return 1
    return 0


def replay(db: str | None, current, draft, since: date, until: date):
    """The report of `draft` against `current` over the days `since` to `until`; StorageError if unreadable."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import StorageError, describe, make_engine, resolve_url
    from storage.whatif.run import replay_usage
    from storage.writer.health import describe_error

    url = resolve_url(db)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        raise StorageError(f"no usage recorded yet: {url.database} does not exist (give --db or "
                           "$WATERCOOLER_DB for the proxy's database)")
    engine = make_engine(url)
    try:
        return replay_usage(engine, current, draft, since, until)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read usage from {describe(engine.url)}: {describe_error(exc)}") from None
    finally:
        engine.dispose()


def min_group_size() -> int:
    text = os.environ.get("WATERCOOLER_MIN_GROUP_SIZE", "")
    return int(text) if text.strip().isdigit() else MIN_GROUP_SIZE


def _fail(message: str) -> int:
    print(f"watercooler whatif: {message}", file=sys.stderr)
    return 2


def _since(text: str) -> date | int:
    found = re.fullmatch(r"(\d{1,4})d", text.strip())
    if found and int(found.group(1)) >= 1:
        return int(found.group(1))
    return _date(text)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD (or 7d for --since)") from None


def _percent(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage from 0 to 100")
    return value
