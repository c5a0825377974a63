"""`watercooler publish SRC`: check a working copy of the rules, then put it in place whole.

The check is `watercooler check` plus what the proxy would refuse: files or entries lost without
`confirm-removal`, compared with the live folder and with the policy the proxy last enforced from it
(its last-good manifest in the confdir), which still holds what a file deleted by accident held.
Each file is then copied next to its place under a dot-name (which the proxy ignores), flushed to
disk and renamed over the live file, so the proxy never reads half a file; live policy files the
working copy no longer has are removed last. All renames happen within milliseconds, and the proxy
reads a changed folder only once it has been left alone for two seconds, so it takes the new files
together. `tests/` is not copied.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from cli import rules_folder
from policy.loading.loader import check_policy, load_doc, rule_files
from policy.loading.manifest import manifest_path, recorded
from policy.loading.problems import PolicyError
from policy.review.removals import Inventory, inventory


def register(subparsers) -> None:
    parser = subparsers.add_parser("publish", help="check a working copy of the rules and put it in place",
                                   description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("source", metavar="SRC", help="the working copy: a folder of *.yaml files")
    parser.add_argument("--to", metavar="DIR",
                        help=f"the live rules folder the proxy reads (default: ${rules_folder.ENV}, else ./rules)")
    parser.add_argument("--confdir", metavar="DIR",
                        help="the proxy's confdir, where it records the last policy it enforced (default: "
                             "DATA/proxy, as `watercooler proxy`)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    source, live = Path(args.source), Path(args.to or os.environ.get(rules_folder.ENV) or "rules")
    if not source.is_dir():
        return _fail(f"no rules folder at {source}; give the working copy's folder")
    if live.exists() and live.resolve() == source.resolve():
        return _fail(f"{source} is the live folder itself; edit a copy and publish that")
    if live.exists() and not live.is_dir():
        return _fail(f"{live} is not a folder; give the live rules folder with --to DIR")
    doc, problems = check_policy(source, _must_keep(live, args.confdir))
    if doc is None:
        rules_folder.print_problems(source, problems)
        print(f"watercooler publish: nothing published; {live} is unchanged", file=sys.stderr)
        return 1
    files = rule_files(source)
    live.mkdir(parents=True, exist_ok=True)
    for file in files:
        staged = live / f".{file.name}.publishing"
        shutil.copyfile(file, staged)
        with staged.open("rb") as stream:
            os.fsync(stream.fileno())
        os.replace(staged, live / file.name)
    names = {file.name for file in files}
    stale = [old for old in _policy_files(live) if old.name not in names]
    for old in stale:
        old.unlink()
    removed = f", removed {', '.join(old.name for old in stale)}" if stale else ""
    print(f"published {len(files)} file(s) from {source} to {live}{removed}; a running proxy applies them "
          "within about three seconds")
    return 0


def _must_keep(live: Path, confdir: str | None) -> Inventory | None:
    """What the copy may lose only with `confirm-removal`: everything the live folder holds and the
    proxy last enforced from it; None when neither is known."""
    known = [found for found in (_in_force(live), recorded(manifest_path(confdir or _data_dir() / "proxy"), live))
             if found]
    if not known:
        return None
    return {kind: {name: file for found in known for name, file in found.get(kind, {}).items()}
            for kind in {kind for found in known for kind in found}}


def _in_force(live: Path) -> Inventory | None:
    """What the live folder holds now, to compare with; None when it is missing or does not load."""
    try:
        return inventory(load_doc(live)) if live.is_dir() else None
    except PolicyError:
        return None


def _data_dir() -> Path:
    from storage.db import data_dir  # imported here: publishing needs no database driver otherwise
    return data_dir()


def _policy_files(live: Path) -> list[Path]:
    try:
        return rule_files(live)
    except PolicyError:
        return []


def _fail(message: str) -> int:
    print(f"watercooler publish: {message}", file=sys.stderr)
    return 2
