"""`watercooler check`: validate the rules and print every problem as FILE:LINE:COL: what; how to fix.

Exit 1 on any error (and, with --strict, on any warning); 0 otherwise. Never a traceback: a missing
folder, an unreadable file or a file that is a folder are problems like any other. What the proxy
would refuse is an error here too: no `rules:` in any file, and files or entries lost since the
policy the proxy last enforced from this folder (its last-good manifest in the confdir).
"""
from __future__ import annotations

import argparse

from cli import rules_folder
from policy.loader import check_policy
from policy.manifest import manifest_path, recorded


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="validate the rules and list every problem",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    parser.add_argument("--confdir", metavar="DIR",
                        help="the proxy's confdir, where it records the last policy it enforced (default: "
                             "DATA/proxy, as `watercooler proxy`); files and entries lost since are errors")
    rules_folder.add_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    where = rules_folder.folder(args)
    doc, problems = check_policy(where, recorded(manifest_path(args.confdir or _data_dir() / "proxy"), where))
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = f"{where}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    if doc is not None:
        summary += (f" ({_count(len(doc.files), 'file')}, {_count(len(doc.sites), 'site')}, "
                    f"{_count(len(doc.rules), 'rule')})")
    print(summary)
    if not errors:
        _whatif_hint(where)
    return 1 if errors or (args.strict and warnings) else 0


def _whatif_hint(where) -> None:
    """A draft beside a database of recorded usage: say how to see what it would have changed."""
    import os
    from pathlib import Path
    live = Path(os.environ.get(rules_folder.ENV) or "rules")
    if live.exists() and live.resolve() == Path(where).resolve():
        return
    if not os.environ.get("WATERCOOLER_DB") and not (_data_dir() / "watercooler.db").exists():
        return
    print(f"Before you publish: `watercooler whatif {where} --rules {live}` replays the last 7 days of "
          "recorded usage through this draft and shows what it would have changed.")


def _data_dir():
    from storage.db import data_dir  # imported here: checking needs no database driver otherwise
    return data_dir()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
