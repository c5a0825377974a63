"""The directory sync: read the groups, store a snapshot, log what happened; once or every few minutes.

Run by the panel (a background thread), by `watercooler directory sync`, and by the proxy at start.
A directory that cannot be read leaves the last snapshot in use: the failure is recorded (the admin
status page shows it with the snapshot's age) and logged once per outage, not at every attempt.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from policy.changes.directory import Directory
from storage.directory import snapshots
from storage.directory.ldap import DirectoryError
from storage.directory.reader import read_directory
from storage.directory.settings import DirectorySettings

logger = logging.getLogger("watercooler.directory")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def sync_once(settings: DirectorySettings, engine: Engine, now: Callable[[], datetime] = utcnow) -> Directory:
    """Read the directory and store it; DirectoryError (recorded in the database) when it cannot be read."""
    try:
        directory = read_directory(settings, now())
    except DirectoryError as exc:
        error = str(exc)    # `exc` is unbound once the except block ends; the lambda keeps the text
        _with_retry(engine, lambda db: snapshots.record_failure(db, error, now()))
        raise
    _with_retry(engine, lambda db: snapshots.store(db, directory, now()))
    people = len({person for group in directory.groups.values() for person in group.people})
    logger.info("directory: %d group(s), %d person(s) read from %s", len(directory.groups), people, settings.url)
    return directory


def _with_retry(engine: Engine, work: Callable[[Session], object]) -> None:
    for attempt in range(3):
        with Session(engine) as db:
            try:
                work(db)
                return
            except IntegrityError:   # another process stored its sync at the same moment: compare again
                db.rollback()
                if attempt == 2:
                    raise


class SyncThread:
    """Sync now, then every `settings.refresh` seconds, until `stop()`; never raises."""

    def __init__(self, settings: DirectorySettings, engine: Engine, on_sync: Callable[[], None] = lambda: None) -> None:
        self.settings, self.engine, self.on_sync = settings, engine, on_sync
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watercooler directory sync", daemon=True)
        self._failing = False

    def start(self) -> SyncThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.settings.timeout * 3 + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.settings.refresh)

    def run_once(self) -> None:
        try:
            sync_once(self.settings, self.engine)
            if self._failing:
                logger.info("directory: reachable again; memberships are current")
            self._failing = False
            self.on_sync()
        except DirectoryError as exc:
            if not self._failing:
                logger.warning("directory: %s; keeping the last snapshot and trying again every %d s", exc,
                               self.settings.refresh)
            self._failing = True
        except Exception as exc:   # the database, most likely: the next round tries again
            logger.error("directory sync failed: %s: %s", type(exc).__name__, exc)
