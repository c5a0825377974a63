"""When a changed rules folder may be read: only once its files have been left alone for a while.

An editor or a copy writes a file in several steps, and a file caught half written can still be
valid YAML that says less than the whole. So changed files are taken only when nothing in the folder
has changed for QUIET_SECONDS: either every file's (and the folder's) change time is that old, or
the proxy has itself seen the same fingerprint for that long (which also copes with a file server
whose clock runs ahead). A write paused for longer than that is not caught here; the removal check
(policy/review/removals.py) and publishing by rename (docs/deploy.md) cover it.
"""
from __future__ import annotations

import time

from policy.loading.folder_state import Fingerprint, fingerprint, snapshot
from policy.loading.problems import PolicyError, Problem

__all__ = ["Fingerprint", "Settle", "fingerprint", "settled_now", "snapshot", "wait_until_settled"]
QUIET_SECONDS = 2.0
START_LIMIT_SECONDS = 10.0      # at start, how long files may keep changing before the start is refused


class Settle:
    """Says when a fingerprint has stayed the same long enough to be read."""

    def __init__(self, quiet: float = QUIET_SECONDS) -> None:
        self.quiet = quiet
        self._candidate: Fingerprint | None = None
        self._since = 0.0
        self.first_look = False          # the last `ready` call saw this fingerprint for the first time

    def ready(self, seen: Fingerprint, changed: float) -> bool:
        now = time.monotonic()
        self.first_look = seen != self._candidate
        if self.first_look:
            self._candidate, self._since = seen, now
        return time.time() - changed >= self.quiet or now - self._since >= self.quiet


def wait_until_settled(folder: str, limit: float = START_LIMIT_SECONDS) -> Fingerprint | None:
    """At start, before any policy is in force: block until the folder has settled (None: it is gone).

    Blocking is acceptable only here: nothing is decided before the first policy loads."""
    settle, deadline = Settle(), time.monotonic() + limit
    while True:
        found = snapshot(folder)
        if found is None or settle.ready(*found):
            return found[0] if found else None
        if time.monotonic() > deadline:
            raise PolicyError([Problem(folder, 0, 0, f"files kept changing for {limit:g} s",
                                       "start the proxy once the rules are written completely")])
        time.sleep(0.1)   # the poll interval of a bounded wait for the files to settle


def settled_now(folder: str) -> bool:
    """Whether the folder has been left alone for QUIET_SECONDS already (judged by change times)."""
    found = snapshot(folder)
    return found is None or time.time() - found[1] >= QUIET_SECONDS
