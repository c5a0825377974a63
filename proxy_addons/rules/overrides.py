"""The panel's overrides, read from the shared database: managers' adjustments and running grants.

Managers grant access and tune limits in the panel; the panel writes them to the database the proxy
also uses. Every two seconds a worker thread reads what is in force, and the policy holder rebuilds
the enforced policy (off the loop) when it changed — so a grant works within a few seconds, on
every proxy. A database that cannot be read keeps the last overrides and is logged once, naming
the operation, the table and the error class: never the SQL's parameters (user names, moments).
Reading starts once the usage writer has brought the schema up to date.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from policy.changes.overrides import Adjustment, Grant
from proxy_addons.rules.watch import PolicyHolder

logger = logging.getLogger("watercooler.overrides")
POLL_SECONDS = 2.0


class OverridesReader:
    """Blocking reads (call from a worker thread) of what the panel has put in force."""

    def __init__(self, url: str, ready: Callable[[], bool] = lambda: True) -> None:
        from storage.db import make_engine
        self.engine = make_engine(url)
        self.ready = ready          # False until the schema is known to be there

    def read(self, now: datetime) -> tuple[tuple[Adjustment, ...], tuple[Grant, ...]]:
        """(adjustments, grants running at `now`), in the same stable order the panel uses."""
        from sqlalchemy.orm import Session

        from storage.changes.overrides import load_overrides

        with Session(self.engine) as db:
            return load_overrides(db, now)

    def close(self) -> None:
        self.engine.dispose()


async def watch_overrides(holder: PolicyHolder, reader: Callable[[], OverridesReader | None],
                          now: Callable[[], datetime]) -> None:
    """Poll forever (cancel to stop); never raises."""
    failing = False
    while True:
        try:
            source = reader()
            if source is not None and source.ready():
                adjustments, grants = await asyncio.to_thread(source.read, now())
                await holder.set_overrides(adjustments, grants)
                if failing:
                    logger.info("panel overrides can be read again")
                failing = False
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not failing:
                from storage.writer.health import describe_failure
                logger.warning("cannot read the panel's adjustments and grants (%s); keeping the last ones",
                               describe_failure(exc))
            failing = True
        await asyncio.sleep(POLL_SECONDS)
