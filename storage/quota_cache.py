"""Quota usage in memory per (user, rule, period), kept in step with the database by a thread.

The proxy asks on every quota decision, on its event loop, so answers come from memory only. A key
seen for the first time answers with what this process itself charged in that period (0 after a
restart) and asks the refresher to seed it at once; the seed usually lands within milliseconds, so
at worst the first request of a user's first visit after a restart passes on a stale count. Staying
exact is a matter of sets, not counters: used = |minutes in the database ∪ minutes charged here|, so
a minute charged by two nodes, or charged here and already written, counts once. Every few seconds
the refresher re-reads the active keys, which is how several nodes on one PostgreSQL converge.
Periods start where the engine says (`QuotaStatus.period_start`, computed in the policy's zone);
minutes are UTC instants, so a repeated or skipped local hour needs no special case here.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from storage.quota_reads import charged_minutes

log = logging.getLogger("watercooler.storage")
KEEP_LOCAL = timedelta(days=8)      # a weekly period reaches back at most 7 days and an hour
IDLE_EXPIRY = 900.0                 # forget keys nobody asked about for 15 minutes


@dataclass
class _Entry:
    used: int
    last_read: float
    in_db: frozenset[datetime] = frozenset()
    seeded: bool = False


class QuotaCache:
    def __init__(self, engine: Engine, refresh_every: float = 2.0) -> None:
        self.engine, self.refresh_every = engine, refresh_every
        self._lock = threading.Lock()
        self._local: dict[tuple[str, str], set[datetime]] = {}
        self._entries: dict[tuple[str, str, datetime], _Entry] = {}
        self._starts: dict[tuple[str, str], set[datetime]] = {}    # period starts asked per (user, rule)
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self.refreshed_at: datetime | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, name="watercooler-quota", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._wanted.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def used(self, user: str, rule: str, period_start: datetime) -> int:
        """Minutes charged to (user, rule) since `period_start`: from memory, never waits."""
        start = period_start.astimezone(timezone.utc)
        with self._lock:
            entry = self._entries.get((user, rule, start))
            if entry is None:
                mine = sum(1 for m in self._local.get((user, rule), ()) if m >= start)
                entry = self._entries[(user, rule, start)] = _Entry(mine, time.monotonic())
                self._starts.setdefault((user, rule), set()).add(start)
                self._wanted.set()
            entry.last_read = time.monotonic()
            return entry.used

    def charge(self, user: str, rule: str, minute: datetime) -> None:
        """This process charged `minute` (aware UTC, whole minute) to (user, rule)."""
        with self._lock:
            mine = self._local.setdefault((user, rule), set())
            if minute in mine:
                return
            mine.add(minute)
            for start in self._starts.get((user, rule), ()):
                entry = self._entries[(user, rule, start)]
                if minute >= start and minute not in entry.in_db:
                    entry.used += 1

    def refresh(self) -> None:
        """Re-read every active key from the database (raises when the database is unavailable)."""
        now = time.monotonic()
        with self._lock:
            for user, rule, start in [k for k, e in self._entries.items() if now - e.last_read > IDLE_EXPIRY]:
                del self._entries[(user, rule, start)]
                self._starts[(user, rule)].discard(start)
            wanted: dict[tuple[str, datetime], set[str]] = {}
            for user, rule, start in self._entries:
                wanted.setdefault((rule, start), set()).add(user)
        found = {(rule, start): charged_minutes(self.engine, rule, start, users)
                 for (rule, start), users in wanted.items()}
        horizon = datetime.now(timezone.utc) - KEEP_LOCAL
        with self._lock:
            for (rule, start), by_user in found.items():
                for user in wanted[(rule, start)]:
                    entry = self._entries.get((user, rule, start))
                    if entry is None:
                        continue
                    entry.in_db = frozenset(by_user.get(user, ()))
                    mine = {m for m in self._local.get((user, rule), ()) if m >= start}
                    entry.used, entry.seeded = len(entry.in_db | mine), True
            for key, minutes in self._local.items():
                self._local[key] = {m for m in minutes if m >= horizon}
        self.refreshed_at, self.error = datetime.now(timezone.utc), None

    def status(self) -> dict:
        with self._lock:
            unseeded = sum(1 for e in self._entries.values() if not e.seeded)
        return {"quota_keys": len(self._entries), "quota_unseeded": unseeded,
                "quota_refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
                "quota_error": self.error}

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait(self.refresh_every)
            self._wanted.clear()
            if self._stop.is_set():
                return
            try:
                self.refresh()
            except Exception as exc:  # keep answering from memory; the writer reports the outage
                self.error = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
                self._stop.wait(min(self.refresh_every, 1.0))
