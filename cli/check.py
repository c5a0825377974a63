"""`watercooler check`: validate the rules and print every problem as FILE:LINE:COL: what; how to fix.

Exit 1 on any error (and, with --strict, on any warning); 0 otherwise. Never a traceback: a missing
folder, an unreadable file or a file that is a folder are problems like any other. What the proxy
would refuse is an error here too: no `rules:` in any file, and files or entries lost since the
policy the proxy last enforced from this folder (its last-good manifest in the confdir). Groups taken
from the company directory (`directory: DN`) are looked up there when `WATERCOOLER_DIRECTORY_*` is set
and the directory answers: a DN it does not have is an error; when it cannot be asked, check says so.
"""
from __future__ import annotations

import argparse

from cli import rules_folder
from policy.loading.loader import check_policy
from policy.loading.manifest import manifest_path, recorded


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
    note = None
    if doc is not None and any(group.directory for group in doc.groups.values()):
        found, note = _directory_problems(doc)
        problems = sorted(problems + found, key=lambda problem: problem.sort_key())
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = f"{where}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    if doc is not None:
        summary += (f" ({_count(len(doc.files), 'file')}, {_count(len(doc.sites), 'site')}, "
                    f"{_count(len(doc.rules), 'rule')})")
    print(summary)
    if note:
        print(note)
    if not errors:
        _whatif_hint(where)
    return 1 if errors or (args.strict and warnings) else 0


def _directory_problems(doc) -> tuple[list, str | None]:
    """Problems with the rules' directory DNs, and a line saying what could not be checked."""
    import os

    from policy.changes.directory import check_references
    from storage.directory.ldap import DirectoryError
    from storage.directory.reader import read_directory
    from storage.directory.settings import DirectorySettingsError, from_environ
    from storage.directory.sync import utcnow
    try:
        settings = from_environ(os.environ)
        if settings is None:
            return [], ("directory groups not checked: no directory is configured "
                        "(WATERCOOLER_DIRECTORY_URL and the other WATERCOOLER_DIRECTORY_* settings)")
        return check_references(doc, read_directory(settings, utcnow())), None
    except (DirectorySettingsError, DirectoryError) as exc:
        return [], f"directory groups not checked: {exc}"


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
