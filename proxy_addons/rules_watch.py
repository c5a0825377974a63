"""The policy in force, and the watcher that reloads it: validate first, then swap, never go empty.

The watcher polls the folder's policy files (names, sizes, mtimes) once a second in a worker thread and
loads a changed folder in a worker thread too, so the proxy's event loop never waits for the disk.
A folder with errors, or a deleted folder, keeps the last good policy running; each problem is logged
as FILE:LINE:COL. The last good policy per folder also lives at module level, which this module
keeps across the `-s` script reloader (the script file is re-executed, this module is only imported).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Any, Callable

from policy.loader import SUFFIXES
from proxy_addons.effective import effective_policy

logger = logging.getLogger("watercooler.rules")
POLL_SECONDS = 1.0

Fingerprint = tuple[tuple[str, int, int], ...]
_LAST_GOOD: dict[str, tuple[Fingerprint, Any]] = {}


def fingerprint(folder: str) -> Fingerprint | None:
    """What changes when a policy file is added, removed or saved; None when the folder is gone."""
    path = Path(folder)
    try:
        if path.is_file():               # one rules file instead of a folder
            files = [path]
        else:
            files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
    except OSError:
        return None                      # gone, or unreadable while we looked
    entries = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        entries.append((file.name, stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def _default_loader(folder: str) -> Any:
    import policy
    return policy.load(folder)


def describe_error(exc: Exception) -> list[str]:
    problems = getattr(exc, "problems", None)
    return [str(problem) for problem in problems] if problems else [str(exc)]


class PolicyHolder:
    """`policy` is the one in force (None: none could be loaded yet, so requests fail closed)."""

    def __init__(self, loader: Callable[[str], Any] = _default_loader,
                 on_change: Callable[[Any], None] | None = None) -> None:
        self.loader = loader
        self.on_change = on_change     # called after every reload attempt, good or bad
        self.folder = ""
        self.base: Any = None          # the rules as written
        self.policy: Any = None        # what is enforced: the base plus the panel's overrides
        self.overrides: tuple[tuple, tuple] = ((), ())   # (adjustments, grants)
        self.files = 0
        self._seen: Fingerprint | None = None
        self._good_seen: Fingerprint | None = None
        self.last_error: list[str] = []

    def load_now(self, folder: str) -> None:
        """At start or when the option changes: load synchronously; raise when nothing good is known."""
        self.folder = str(folder)
        seen = fingerprint(self.folder)
        try:
            base = self.loader(self.folder)
            self._swap(base, self._effective(base, self.overrides), seen)
        except Exception as exc:
            self._seen = seen
            self.last_error = describe_error(exc)
            cached = _LAST_GOOD.get(str(Path(self.folder).resolve()))
            if cached is None:
                raise
            self.base = cached[1]
            self.policy = self._effective(self.base, self.overrides)
            for line in self.last_error:
                logger.error(f"rules not loaded, keeping the last good policy: {line}")

    async def watch(self) -> None:
        """Poll forever (cancel to stop); never raises."""
        gone = False
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                seen = await asyncio.to_thread(fingerprint, self.folder)
                if seen is None:
                    if not gone:
                        logger.warning(f"rules folder {self.folder} is gone; keeping the last good policy")
                    gone = True
                    continue
                gone = False
                if seen != self._seen:
                    await self._reload(seen)
            except asyncio.CancelledError:
                raise
            except Exception as exc:   # the watcher must outlive any surprise
                logger.error(f"rules watcher: {type(exc).__name__}: {exc}")

    async def _reload(self, seen: Fingerprint) -> None:
        folder, overrides = self.folder, self.overrides
        try:
            base = await asyncio.to_thread(self.loader, folder)
            effective = await asyncio.to_thread(self._effective, base, overrides)
        except Exception as exc:
            self._seen = seen
            self.last_error = describe_error(exc)
            for line in self.last_error:
                logger.error(f"rules not reloaded, keeping the last good policy: {line}")
            if self.on_change:
                self.on_change(self.policy)
            return
        if folder == self.folder and overrides == self.overrides:
            self._swap(base, effective, seen)
            logger.info(f"rules reloaded from {folder} ({self.files} file(s))")
        else:
            self._seen = None          # something changed meanwhile: the next poll reloads

    async def set_overrides(self, adjustments: tuple, grants: tuple) -> None:
        """The panel's adjustments and grants changed: rebuild the enforced policy off the loop."""
        wanted = (tuple(adjustments), tuple(grants))
        if wanted == self.overrides or self.base is None:
            self.overrides = wanted
            return
        base = self.base
        effective = await asyncio.to_thread(self._effective, base, wanted)
        if base is self.base:
            self.overrides, self.policy = wanted, effective
            logger.info(f"panel overrides applied: {len(wanted[0])} adjustment(s), {len(wanted[1])} grant(s)")

    @staticmethod
    def _effective(base: Any, overrides: tuple[tuple, tuple]) -> Any:
        return effective_policy(base, *overrides)

    def _swap(self, base: Any, effective: Any, seen: Fingerprint | None) -> None:
        self.base, self.policy, self._seen, self._good_seen, self.last_error = base, effective, seen, seen, []
        self.files = len(seen or ())
        _LAST_GOOD[str(Path(self.folder).resolve())] = (seen or (), base)
        if self.on_change:
            self.on_change(effective)

    @property
    def version(self) -> str:
        """A short fingerprint of the files in force (names, sizes, mtimes)."""
        return hashlib.sha256(repr(self._good_seen).encode()).hexdigest()[:12]
