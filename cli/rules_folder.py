"""Which rules folder a command works on, and loading it with errors printed as `check` prints them."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import policy
from policy.loading.problems import PolicyError

ENV = "WATERCOOLER_RULES"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rules", nargs="?", metavar="RULES",
                        help=f"the rules folder (default: ${ENV}, else ./rules)")


def folder(args: argparse.Namespace) -> Path:
    return Path(args.rules or os.environ.get(ENV) or "rules")


def load(args: argparse.Namespace, command: str):
    """The compiled policy, or None after printing every problem (one per line) to stderr."""
    where = folder(args)
    if not where.exists():
        print(f"watercooler {command}: no rules folder at {where}; "
              f"give the folder as an argument or set {ENV}", file=sys.stderr)
        return None
    try:
        return policy.load(where)
    except PolicyError as exc:
        print_problems(where, exc.problems)
        return None


def print_problems(where: Path, problems) -> None:
    """Every problem, then `FOLDER: N errors, M warnings`, as `watercooler check` prints them (on stderr)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    print(f"{where}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
          file=sys.stderr)
