"""The gate between the rules on disk and the policy in force: what a reload or a start must not lose.

New rules are refused (PolicyError, like any error in them) when no file has a `rules:` key, or when
they lost a file or named entry the last good policy had without `confirm-removal` (policy/review/removals.py).
The last good policy is the one this process enforced from the folder, else the last-good manifest
in the confdir (policy/loading/manifest.py), which is written after every policy put in force. Blocking: the
watcher runs both functions in a worker thread.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from policy.engine.engine import Policy
from policy.loading import manifest
from policy.loading.problems import PolicyError
from policy.review import removals

logger = logging.getLogger("watercooler.rules")


def load_checked(loader: Callable[[str], Policy], folder: str, in_force: Policy | None,
                 manifest_file: Path | None) -> tuple[Policy, list[str]]:
    """The policy at `folder` and the removals its `confirm-removal` let through; PolicyError when it
    lost what `in_force` (this folder's last good policy in this process, or None) had."""
    base = loader(folder)
    doc = getattr(base, "doc", None)
    if doc is None:
        return base, []
    before: removals.Inventory | None
    if in_force is not None and hasattr(in_force, "doc"):
        before = removals.inventory(in_force.doc)
    else:
        before = manifest.recorded(manifest_file, folder) if manifest_file is not None else None
    problems = removals.no_rules(doc, folder) + (removals.lost(before, doc, folder) if before else [])
    if problems:
        raise PolicyError(problems)
    return base, removals.accepted(before, doc) if before else []


def record_good(folder: str, base: Policy, confirmed: list[str], manifest_file: Path | None) -> None:
    """After a policy is put in force: log the removals it confirmed, and remember it on disk."""
    doc = getattr(base, "doc", None)
    if confirmed and doc is not None:
        logger.warning("rules in %s: removal of %s accepted (confirm-removal at %s)", folder, ", ".join(confirmed),
                       doc.confirmed_at)
    if doc is None or manifest_file is None:
        return
    try:
        manifest.record(manifest_file, folder, removals.inventory(doc))
    except OSError as exc:
        logger.warning("last-good manifest %s not written (%s); a file lost while the proxy is stopped will not be "
                       "noticed at the next start", manifest_file, exc.strerror or exc)
