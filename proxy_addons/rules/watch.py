"""The policy in force, and the watcher that reloads it: validate first, then swap, never go empty.

The watcher polls the folder's policy files once a second in a worker thread and loads a changed
folder in a worker thread too, so the proxy's event loop never waits for the disk. Changed files are
read only once they have been left alone for a while (rules_settle), and not used when they changed
again while being read; new rules that lost a file
or a named entry without `confirm-removal:` are refused (policy/review/removals.py), as are rules whose
files have no `rules:` key. A folder with errors, or a deleted folder, keeps the last good policy
running; each problem is logged as FILE:LINE:COL. The last good policy per folder also lives at
module level, which this module keeps across the `-s` script reloader (the script file is
re-executed, this module is only imported), and its inventory in the last-good manifest on disk.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from policy.changes.effective import combine, filled
from policy.engine.engine import Policy
from policy.loading import manifest
from policy.loading.problems import PolicyError, Problem
from proxy_addons.logs.summary import DISTINCT
from proxy_addons.rules.gate import load_checked, record_good
from proxy_addons.rules.settle import (
    QUIET_SECONDS,
    Fingerprint,
    Settle,
    fingerprint,
    settled_now,
    snapshot,
    wait_until_settled,
)

logger = logging.getLogger("watercooler.rules")
overrides_logger = logging.getLogger("watercooler.overrides")
POLL_SECONDS = 1.0
__all__ = ["QUIET_SECONDS", "PolicyHolder", "describe_error", "fingerprint"]

_LAST_GOOD: dict[str, tuple[Fingerprint, Policy]] = {}


def _default_loader(folder: str) -> Policy:
    import policy
    return policy.load(folder)


class _ChangedWhileRead(Exception):
    """The files changed between the fingerprint taken before reading them and the one after."""


def describe_error(exc: Exception) -> list[str]:
    problems = getattr(exc, "problems", None)
    return [str(problem) for problem in problems] if problems else [str(exc)]


class PolicyHolder:
    """`policy` is the one in force (None: none could be loaded yet, so requests fail closed)."""

    def __init__(self, loader: Callable[[str], Policy] = _default_loader,
                 on_change: Callable[[Policy | None], None] | None = None,
                 on_swap: Callable[[Policy], None] | None = None) -> None:
        self.loader = loader
        self.on_change = on_change     # called after every reload attempt, good or bad
        self.on_swap = on_swap         # called on the loop whenever the enforced policy is replaced
        self.folder = ""
        self.manifest: Path | None = None   # the last-good manifest (policy/loading/manifest.py); None: not kept
        self.base: Policy | None = None          # the rules as written
        self.policy: Policy | None = None        # what is enforced: the base plus the panel's overrides
        self.overrides: tuple[tuple, tuple] = ((), ())   # (adjustments, grants)
        self.directory: Any = None     # the directory snapshot whose members fill directory groups
        self.files = 0
        self._seen: Fingerprint | None = None
        self._good_seen: Fingerprint | None = None
        self._settle = Settle()
        self.last_error: list[str] = []

    def load_now(self, folder: str, tries: int = 3) -> None:
        """At start or when the option changes: load synchronously; raise when nothing good is known."""
        self.folder = str(folder)
        cached = _LAST_GOOD.get(manifest.folder_key(self.folder))
        if cached is not None and not settled_now(self.folder):
            # A script reload while the rules are being written: keep what is in force, the watcher
            # takes the files once they have settled.
            self._seen, self.last_error = None, []
            self._keep(cached)
            return
        seen = wait_until_settled(self.folder) if cached is None else fingerprint(self.folder)
        try:
            base, confirmed = self._load_checked(self.folder)
            if fingerprint(self.folder) != seen:        # a save began while the files were read
                raise _ChangedWhileRead
            self._swap(base, self._effective(base, self.overrides, self.directory), seen)
            self._record(self.folder, base, confirmed)
        except Exception as exc:
            if fingerprint(self.folder) != seen:        # nothing read is used, not even its errors
                if cached is not None:
                    self._seen, self.last_error = None, []
                    self._keep(cached)
                    return
                if tries > 1:
                    return self.load_now(folder, tries - 1)
                raise PolicyError([Problem(self.folder, 0, 0, "files kept changing while being read",
                                           "start the proxy once the rules are written completely")]) from None
            self._seen = seen
            self.last_error = describe_error(exc)
            if cached is None:
                raise
            self._keep(cached)
            for line in self.last_error:
                logger.error("rules not loaded, keeping the last good policy: %s", line, extra=DISTINCT)

    def _keep(self, cached: tuple[Fingerprint, Policy]) -> None:
        """Go on with this folder's last good policy (this process enforced it before a script reload)."""
        self._good_seen, self.base = cached
        self.files = len(self._good_seen)
        self.policy = self._effective(self.base, self.overrides, self.directory)

    async def watch(self) -> None:
        """Poll forever (cancel to stop); never raises."""
        gone = False
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                found = await asyncio.to_thread(snapshot, self.folder)
                if found is None:
                    if not gone:
                        logger.warning("rules folder %s is gone; keeping the last good policy", self.folder)
                    gone = True
                    continue
                gone = False
                seen, changed = found
                if seen == self._seen:
                    continue
                if self._settle.ready(seen, changed):
                    await self._reload(seen)
                elif self._settle.first_look:
                    logger.info("rules in %s changed; reading them once they have been left alone for %g s",
                                self.folder, QUIET_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception as exc:   # the watcher must outlive any surprise
                logger.error("rules watcher: %s: %s", type(exc).__name__, exc)

    async def _reload(self, seen: Fingerprint) -> None:
        folder, overrides, directory = self.folder, self.overrides, self.directory
        try:
            base, confirmed = await asyncio.to_thread(self._load_checked, folder)
            effective = await asyncio.to_thread(self._effective, base, overrides, directory)
        except Exception as exc:
            if await self._changed_while_read(folder, seen):
                return
            self._seen = seen
            self.last_error = describe_error(exc)
            for line in self.last_error:
                logger.error("rules not reloaded, keeping the last good policy: %s", line, extra=DISTINCT)
            if self.on_change:
                self.on_change(self.policy)
            return
        if await self._changed_while_read(folder, seen):
            return
        if folder == self.folder and overrides == self.overrides and directory is self.directory:
            self._swap(base, effective, seen)
            logger.info("rules reloaded from %s (%s file(s))", folder, self.files)
            await asyncio.to_thread(self._record, folder, base, confirmed)
        else:
            self._seen = None          # something changed meanwhile: the next poll reloads

    async def _changed_while_read(self, folder: str, seen: Fingerprint) -> bool:
        """A write that began after the files had settled may have been read half done: then nothing
        read is used, and the files are read again once they have been left alone."""
        if await asyncio.to_thread(fingerprint, folder) == seen:
            return False
        logger.info("rules in %s changed while being read; reading them once they have been left alone for %g s",
                    folder, QUIET_SECONDS)
        self._seen = None
        return True

    def _load_checked(self, folder: str) -> tuple[Policy, list[str]]:
        cached = _LAST_GOOD.get(manifest.folder_key(folder))
        return load_checked(self.loader, folder, cached[1] if cached else None, self.manifest)

    def _record(self, folder: str, base: Policy, confirmed: list[str]) -> None:
        record_good(folder, base, confirmed, self.manifest)

    async def set_overrides(self, adjustments: tuple, grants: tuple) -> None:
        """The panel's adjustments and grants changed: rebuild the enforced policy off the loop."""
        wanted = (tuple(adjustments), tuple(grants))
        if wanted == self.overrides or self.base is None:
            self.overrides = wanted
            return
        base, directory = self.base, self.directory
        effective = await asyncio.to_thread(self._effective, base, wanted, directory)
        if base is self.base and directory is self.directory:
            self.overrides, self.policy = wanted, effective
            logger.info("panel overrides applied: %s adjustment(s), %s grant(s)", len(wanted[0]), len(wanted[1]))
            if self.on_swap:
                self.on_swap(effective)

    async def set_directory(self, directory: Any) -> bool:
        """A new directory snapshot: rebuild the enforced policy off the loop; True once it is in force."""
        if self.base is None:
            self.directory = directory
            return True
        base, overrides = self.base, self.overrides
        effective = await asyncio.to_thread(self._effective, base, overrides, directory)
        if base is not self.base or overrides != self.overrides:
            return False               # changed meanwhile: the caller offers the snapshot again
        self.directory, self.policy = directory, effective
        if self.on_swap:
            self.on_swap(effective)
        return True

    @staticmethod
    def _effective(base: Policy, overrides: tuple[tuple, tuple], directory: Any = None) -> Policy:
        effective = combine(filled(base, directory), *overrides)
        for line in effective.skipped:
            overrides_logger.error("panel override left out: %s", line, extra=DISTINCT)
        return effective.policy

    def _swap(self, base: Policy, effective: Policy, seen: Fingerprint | None) -> None:
        self.base, self.policy, self._seen, self._good_seen, self.last_error = base, effective, seen, seen, []
        self.files = len(seen or ())
        _LAST_GOOD[manifest.folder_key(self.folder)] = (seen or (), base)
        if self.on_change:
            self.on_change(effective)
        if self.on_swap:
            self.on_swap(effective)

    @property
    def version(self) -> str:
        """A short fingerprint of the files in force (names, sizes, mtimes)."""
        return hashlib.sha256(repr(self._good_seen).encode()).hexdigest()[:12]
