"""The policy in force, and the watcher that reloads it: validate first, then swap, never go empty.

The watcher polls the folder's `*.yaml` (names, sizes, mtimes) once a second in a worker thread and
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

logger = logging.getLogger("watercooler.rules")
POLL_SECONDS = 1.0

Fingerprint = tuple[tuple[str, int, int], ...]
_LAST_GOOD: dict[str, tuple[Fingerprint, Any]] = {}


def fingerprint(folder: str) -> Fingerprint | None:
    """What changes when a policy file is added, removed or saved; None when the folder is gone."""
    path = Path(folder)
    if not path.is_dir():
        return None
    entries = []
    for file in sorted(path.glob("*.yaml")):
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
        self.policy: Any = None
        self.files = 0
        self._seen: Fingerprint | None = None
        self._good_seen: Fingerprint | None = None
        self.last_error: list[str] = []

    def load_now(self, folder: str) -> None:
        """At start or when the option changes: load synchronously; raise when nothing good is known."""
        self.folder = str(folder)
        seen = fingerprint(self.folder)
        try:
            self._swap(self.loader(self.folder), seen)
        except Exception as exc:
            self._seen = seen
            self.last_error = describe_error(exc)
            cached = _LAST_GOOD.get(str(Path(self.folder).resolve()))
            if cached is None:
                raise
            self.policy = cached[1]
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
        folder = self.folder
        try:
            new = await asyncio.to_thread(self.loader, folder)
        except Exception as exc:
            self._seen = seen
            self.last_error = describe_error(exc)
            for line in self.last_error:
                logger.error(f"rules not reloaded, keeping the last good policy: {line}")
            if self.on_change:
                self.on_change(self.policy)
            return
        if folder == self.folder:
            self._swap(new, seen)
            logger.info(f"rules reloaded from {folder} ({self.files} file(s))")

    def _swap(self, new: Any, seen: Fingerprint | None) -> None:
        self.policy, self._seen, self._good_seen, self.last_error = new, seen, seen, []
        self.files = len(seen or ())
        _LAST_GOOD[str(Path(self.folder).resolve())] = (seen or (), new)
        if self.on_change:
            self.on_change(new)

    @property
    def version(self) -> str:
        """A short fingerprint of the files in force (names, sizes, mtimes)."""
        return hashlib.sha256(repr(self._good_seen).encode()).hexdigest()[:12]
