"""The company directory in the panel: its settings, the background sync, and the snapshot in use.

Settings come from the app's config (`DIRECTORY_*`, from `WATERCOOLER_DIRECTORY_*` variables), the
same names the proxy and the CLI read. `watercooler panel` runs the sync every refresh interval; the
policy source (web/policy_source.py) reads the newest snapshot from the database, like the proxies.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy.orm import Session

from storage.db import StorageError
from storage.directory import snapshots
from storage.directory.settings import DirectorySettings, DirectorySettingsError, from_mapping
from storage.directory.sync import SyncThread

EXTENSION = "watercooler.directory"
logger = logging.getLogger("watercooler.directory")


def init_app(app: Flask) -> None:
    """Read the directory settings; a mistake stops the panel at start with the variable's name."""
    try:
        app.extensions[EXTENSION] = from_mapping(app.config)
    except DirectorySettingsError as exc:
        raise StorageError(str(exc)) from None


def settings() -> DirectorySettings | None:
    return current_app.extensions.get(EXTENSION)


def start_sync(app: Flask) -> SyncThread | None:
    """Sync now and every refresh interval in a background thread; None without a directory."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        return None
    from web.db import EXTENSION as DB
    engine = app.extensions[DB].kw["bind"]
    logger.info("directory: syncing from %s every %d s", found.describe(), found.refresh)
    return SyncThread(found, engine).start()


def status(db: Session) -> snapshots.Status | None:
    return snapshots.status(db)
