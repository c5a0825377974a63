"""How the database is doing, as the writer saw it: state, last error, throughput. Logged on change."""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("watercooler.storage")
RATE_WINDOW = 60.0


class DbHealth:
    def __init__(self, where: str, spool_folder: str) -> None:
        self.where, self.spool_folder = where, spool_folder
        self.state = "starting"          # starting | up | down
        self.error: str | None = None
        self.since = time.time()
        self.written = 0                 # records applied since start
        self._samples: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def up(self, backlog: int = 0) -> None:
        if self.state != "up":
            if self.state == "down":
                log.warning("usage database %s reachable again; catching up on %d spooled records",
                            self.where, backlog)
            self.state, self.error, self.since = "up", None, time.time()

    def down(self, exc: BaseException) -> None:
        reason = describe_error(exc)
        if self.state != "down" or reason != self.error:
            log.warning("usage database %s unavailable (%s): enforcing quotas from memory and spooling "
                        "usage to %s until it is back", self.where, reason, self.spool_folder)
        if self.state != "down":
            self.since = time.time()
        self.state, self.error = "down", reason

    def wrote(self, records: int) -> None:
        now = time.monotonic()
        with self._lock:
            self.written += records
            self._samples.append((now, records))
            while self._samples and now - self._samples[0][0] > RATE_WINDOW:
                self._samples.popleft()

    def rate(self) -> float:
        """Records per second written over the last minute."""
        now = time.monotonic()
        with self._lock:
            recent = sum(n for t, n in self._samples if now - t <= RATE_WINDOW)
        return round(recent / RATE_WINDOW, 2)


def describe_error(exc: BaseException) -> str:
    """The first line of the driver's message: no SQL, no parameters, no traceback."""
    inner = getattr(exc, "orig", None) if isinstance(exc, SQLAlchemyError) else None
    text = getattr(exc, "reason", None) or str(inner or exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
