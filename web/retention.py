"""The panel forgets old usage by itself: once at start and then every day, in a background thread.

Retention is `RETENTION_DAYS` (default 90); `watercooler purge` does the same from a shell. Started by
`watercooler panel`, not by the app factory, so tests and `flask run` start no threads.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from storage.retention import purge_usage
from web.db import EXTENSION

logger = logging.getLogger("watercooler.panel")
EVERY_SECONDS = 24 * 3600


def purge_once(app: Flask) -> dict[str, int]:
    engine = app.extensions[EXTENSION].kw["bind"]
    return purge_usage(engine, int(app.config["RETENTION_DAYS"]))


def start_purger(app: Flask, every: float = EVERY_SECONDS) -> threading.Event:
    """Purge now and every `every` seconds until the returned event is set."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                deleted = purge_once(app)
                if any(deleted.values()):
                    logger.info("purged usage older than %s days: %s", app.config["RETENTION_DAYS"], deleted)
            except Exception as exc:  # a database having a bad day must not stop the panel
                logger.warning("usage purge failed (%s: %s); trying again later", type(exc).__name__, exc)
            stop.wait(every)

    threading.Thread(target=loop, name="watercooler-purge", daemon=True).start()
    return stop
