"""The panel applies retention by itself: once at start and then every day, in a background thread.

The periods are `RETENTION_DAYS` (usage), `REQUEST_RETENTION_DAYS`, `AUDIT_RETENTION_DAYS` and
`AUDIT_ADDRESS_DAYS` (see `storage.privacy.retention`); `watercooler purge` does the same from a shell. Started
by `watercooler panel`, not by the app factory, so tests and `flask run` start no threads.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from storage.privacy.retention import Retention, purge
from web.db import EXTENSION

logger = logging.getLogger("watercooler.panel")
EVERY_SECONDS = 24 * 3600


def retention_of(app: Flask) -> Retention:
    config = app.config
    return Retention(usage_days=int(config["RETENTION_DAYS"]), request_days=int(config["REQUEST_RETENTION_DAYS"]),
                     audit_days=int(config["AUDIT_RETENTION_DAYS"]),
                     audit_address_days=int(config["AUDIT_ADDRESS_DAYS"]))


def purge_once(app: Flask) -> dict[str, int]:
    engine = app.extensions[EXTENSION].kw["bind"]
    return purge(engine, retention_of(app))


def start_purger(app: Flask, every: float = EVERY_SECONDS) -> threading.Event:
    """Purge now and every `every` seconds until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                deleted = purge_once(app)
                if any(deleted.values()):
                    logger.info("retention (%s): %s", retention_of(app), deleted)
            except Exception as exc:  # a database having a bad day must not stop the panel
                logger.warning("retention purge failed (%s: %s); trying again later", type(exc).__name__, exc)
            stop.wait(every)

    threading.Thread(target=loop, name="watercooler-purge", daemon=True).start()
    return stop
