"""Quota usage in memory per (user, rule, period), kept in step with the database by a thread.

The proxy asks on every quota decision, on its event loop, so answers come from memory only. At
start the refresher loads every charge of the last 8 days (compact: one integer per minute) and logs
"quota state loaded"; a key seen for the first time answers from that preload and what this process
charged itself, and the refresher re-reads it from the database at once. Only requests that arrive
before the preload has landed (or while the database is unreachable) are decided on what this
process knows — a restart with the database down forgets no charge, it just cannot see it yet. Staying
exact is a matter of sets, not counters: used = |minutes in the database ∪ minutes charged here|, so
a minute charged by two nodes, or charged here and already written, counts once. Every few seconds
the refresher re-reads the active keys, which is how several nodes on one PostgreSQL converge.
Periods start where the engine says (`QuotaStatus.period_start`, computed in the policy's zone);
minutes are UTC instants, so a repeated or skipped local hour needs no special case here.
"""
from __future__ import annotations

import logging
import threading
from array import array
from bisect import bisect_left
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine

from storage.quota_reads import all_charges_since, charged_minutes, epoch_minute

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
        self._preloaded: dict[tuple[str, str], array] = {}         # epoch minutes, until keys are seeded
        self.preloaded = False
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
                known = self._from_preload(user, rule, start)
                mine = {m for m in self._local.get((user, rule), ()) if m >= start}
                entry = self._entries[(user, rule, start)] = _Entry(len(known | mine), time.monotonic(), known)
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

    def preload(self) -> None:
        """Load the last 8 days of charges, so first answers after a restart already know them."""
        since = datetime.now(timezone.utc) - KEEP_LOCAL
        found = all_charges_since(self.engine, since)
        with self._lock:
            self._preloaded, self.preloaded = found, True
            for (user, rule, start), entry in self._entries.items():
                if not entry.seeded:
                    entry.in_db = self._from_preload(user, rule, start)
                    mine = {m for m in self._local.get((user, rule), ()) if m >= start}
                    entry.used = len(entry.in_db | mine)
        log.info("quota state loaded: %d charged minutes of %d users and rules since %s",
                 sum(len(v) for v in found.values()), len(found), since.isoformat(timespec="minutes"))

    def _from_preload(self, user: str, rule: str, start: datetime) -> frozenset[datetime]:
        minutes = self._preloaded.get((user, rule))
        if not minutes:
            return frozenset()
        first = bisect_left(minutes, epoch_minute(start) + (start.second > 0 or start.microsecond > 0))
        return frozenset(datetime.fromtimestamp(m * 60, timezone.utc) for m in minutes[first:])

    def status(self) -> dict:
        with self._lock:
            unseeded = sum(1 for e in self._entries.values() if not e.seeded)
        return {"quota_keys": len(self._entries), "quota_unseeded": unseeded, "quota_preloaded": self.preloaded,
                "quota_refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
                "quota_error": self.error}

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.preloaded:
                    self.preload()
                self.refresh()
            except Exception as exc:  # keep answering from memory; the writer reports the outage
                self.error = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
                self._stop.wait(min(self.refresh_every, 1.0))
            self._wanted.wait(self.refresh_every)
            self._wanted.clear()
