"""How the database is doing, as the writer saw it: state, last error, throughput. Logged on change.

States: `starting`, `up`, `down` (the database answered with an error, or a connection could not be
made), `stalled` (a call of the writer has had no answer for `stall_after` seconds: the connection is
open and nothing comes back, which no error would ever tell). The start of an outage is logged once,
and its end once; a stall that later turns into errors stays one stall until the database answers.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("watercooler.storage")
RATE_WINDOW = 60.0
STALL_AFTER = 15.0


class DbHealth:
    def __init__(self, where: str, spool_folder: str, stall_after: float = STALL_AFTER) -> None:
        self.where, self.spool_folder, self.stall_after = where, spool_folder, stall_after
        self.state = "starting"          # starting | up | down | stalled
        self.error: str | None = None
        self.since = time.time()
        self.written = 0                 # records applied since start
        self._busy_since: float | None = None
        self._samples: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def working(self) -> Iterator[None]:
        """Around each call of the writer into the database: what the stall watch looks at."""
        self._busy_since = time.monotonic()
        try:
            yield
        finally:
            self._busy_since = None

    def check(self, backlog: int) -> None:
        """From the stall watch: a call waiting longer than `stall_after` makes the database stalled."""
        started = self._busy_since
        with self._lock:
            if started is None or self.state == "stalled" or time.monotonic() - started < self.stall_after:
                return
            self.state, self.since = "stalled", time.time()
            self.error = f"no answer for {self.stall_after:g} s"
        log.warning("usage database %s stalled: no answer for %g s; enforcing quotas from memory (a new "
                    "minute that needs a claim follows watercooler_fail) and spooling usage to %s (%d records "
                    "waiting)", self.where, self.stall_after, self.spool_folder, backlog)

    def up(self, backlog: int = 0) -> None:
        with self._lock:
            if self.state == "up":
                return
            was, lasted = self.state, time.time() - self.since
            self.state, self.error, self.since = "up", None, time.time()
        if was in ("down", "stalled"):
            log.warning("usage database %s reachable again after %.0f s %s; catching up on %d spooled "
                        "records%s", self.where, lasted, was, backlog, DRIVER_NOISE.summary())

    def down(self, exc: BaseException) -> None:
        reason = describe_error(exc)
        with self._lock:
            if self.state == "stalled":       # the same outage: the recovery line will say how long
                self.error = reason
                return
            changed = self.state != "down" or reason != self.error
            if self.state != "down":
                self.since = time.time()
            self.state, self.error = "down", reason
        if changed:
            log.warning("usage database %s unavailable (%s): enforcing quotas from memory (a new minute "
                        "that needs a claim follows watercooler_fail) and spooling usage to %s until it is "
                        "back", self.where, reason, self.spool_folder)

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


class _DriverNoise(logging.Filter):
    """psycopg warns "error ignored terminating <Pipeline>" for every batch a cut connection
    interrupts, a line per batch on top of the writer's own. Counted here, told once on recovery."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("error ignored terminating"):
            self.count += 1
            return False
        return True

    def summary(self) -> str:
        count, self.count = self.count, 0
        return f" ({count} interrupted batch(es) are retried from the spool)" if count else ""


DRIVER_NOISE = _DriverNoise()
logging.getLogger("psycopg").addFilter(DRIVER_NOISE)


def describe_error(exc: BaseException) -> str:
    """The first line of the driver's message: no SQL, no parameters, no traceback."""
    inner = getattr(exc, "orig", None) if isinstance(exc, SQLAlchemyError) else None
    text = getattr(exc, "reason", None) or str(inner or exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


STATEMENT_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+\"?(\w+)", re.IGNORECASE)
# Connection and schema problems: the driver's words name servers, tables and columns, never values.
PLAIN_SPOKEN = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ProgrammingError, sa_exc.TimeoutError)


def describe_failure(exc: BaseException) -> str:
    """What failed, for a log line that must carry no data: the operation and table, the error class,
    and the driver's first line only where it cannot quote a value (SQL and parameters never)."""
    statement = (getattr(exc, "statement", None) or "").strip()
    table = STATEMENT_TABLE.search(statement)
    if statement:
        what = statement.split(None, 1)[0].upper() + (f" on {table.group(1)}" if table else "") + ": "
    else:
        what = "connecting: " if isinstance(exc, sa_exc.DBAPIError) else ""
    kind = type(getattr(exc, "orig", None) or exc).__name__
    return what + kind + (f": {describe_error(exc)}" if isinstance(exc, PLAIN_SPOKEN) else "")
