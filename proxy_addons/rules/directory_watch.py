"""Directory memberships on a running proxy: the newest snapshot from the database, swapped in off the loop.

At start the proxy syncs the directory once (worker thread), so a fresh install has a snapshot. Then
every few seconds a worker thread asks the database for the newest snapshot's id, and loads it only
when it changed; the policy holder rebuilds the enforced policy off the loop. Every proxy reads the
same snapshot, so all nodes agree. Without `watercooler_db` the proxy reads the directory itself,
every refresh interval. A directory or database that cannot be read keeps the snapshot in force.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from proxy_addons.rules.watch import PolicyHolder

logger = logging.getLogger("watercooler.directory")
POLL_SECONDS = 3.0


class DirectoryReader:
    """Blocking reads (call from a worker thread): sync once, then the newest snapshot when it changed."""

    def __init__(self, settings: Any, engine: Any, ready: Callable[[], bool] = lambda: True) -> None:
        self.settings, self.engine, self.ready = settings, engine, ready
        self.known: str | None = None
        self._read: Any = None      # without a database: the directory as last read

    def sync(self) -> None:
        from storage.directory.sync import sync_once
        if self.engine is not None:
            sync_once(self.settings, self.engine)

    def accept(self, directory: Any) -> None:
        """`directory` is in force: the next look compares with it."""
        self.known, self._read = directory.version, directory

    def newer(self) -> Any:
        """The newest snapshot if it is not the one last returned, else None."""
        if self.engine is None:    # no database: the directory itself, at most once per refresh interval
            from storage.directory.reader import read_directory
            from storage.directory.sync import utcnow
            found = read_directory(self.settings, utcnow())
            if self._read is not None and found.groups == self._read.groups:
                return None         # unchanged: no rebuild, no log line
            return found
        from sqlalchemy.orm import Session

        from storage.directory import snapshots
        with Session(self.engine) as db:
            newest = snapshots.newest_id(db)
            if newest is None or str(newest) == self.known:
                return None
            return snapshots.load(db, newest)


async def watch_directory(holder: PolicyHolder, reader: Callable[[], DirectoryReader | None]) -> None:
    """Sync once, then poll forever (cancel to stop); never raises."""
    synced = failing = False
    while True:
        source = reader()
        wait = POLL_SECONDS if source is None or source.engine is not None else source.settings.refresh
        try:
            if source is not None and source.ready():
                if not synced:
                    synced = True
                    await asyncio.to_thread(source.sync)
                directory = await asyncio.to_thread(source.newer)
                if directory is not None and await holder.set_directory(directory):
                    source.accept(directory)
                    logger.info("directory groups in force: snapshot of %s, %d group(s)", _when(directory),
                                len(directory.groups))
                if failing:
                    logger.info("directory memberships can be read again")
                failing = False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not failing:
                logger.warning("directory memberships not updated (%s); keeping the ones in force", _describe(exc))
            failing = True
        await asyncio.sleep(wait)


def _when(directory: Any) -> str:
    return f"{directory.taken_at:%Y-%m-%d %H:%M} UTC" if directory.taken_at else "now"


def _describe(exc: Exception) -> str:
    from storage.directory.ldap import DirectoryError
    if isinstance(exc, DirectoryError):
        return str(exc)
    from storage.writer.health import describe_failure
    return describe_failure(exc)
