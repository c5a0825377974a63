"""Quota usage in memory per (user, rule, period), kept in step with the database by a thread.

The proxy asks on every quota decision, on its event loop, so answers come from memory only. At
start the refresher loads every charge of the last 8 days (compact: one integer per minute) and logs
"quota state loaded"; a key seen for the first time answers from that preload and what this process
charged itself, and the refresher re-reads it from the database at once. Staying exact is a matter of
sets, not counters: used = |minutes in the database ∪ minutes charged here|, so a minute charged by
two nodes, or charged here and already written, counts once. Every few seconds the refresher re-reads
the active keys, which is how several nodes on one PostgreSQL converge. `age` says how long ago a
key was last read from the database (None: never, so only the preload and this process speak for
it); the proxy claims a minute in the database (`claimed`) before charging on an answer that old.
Ages and idle times are measured by `ticks` (the proxy clock's monotonic seconds).
Periods start where the engine says (`QuotaStatus.period_start`, computed in the policy's zone);
minutes are UTC instants, so a repeated or skipped local hour needs no special case here.
"""
from __future__ import annotations

import logging
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine

from storage.quota.claims import Claim
from storage.quota.reads import all_charges_since, charged_minutes, epoch_minute

log = logging.getLogger("watercooler.storage")
KEEP_LOCAL = timedelta(days=8)      # a weekly period reaches back at most 7 days and an hour
IDLE_EXPIRY = 900.0                 # forget keys nobody asked about for 15 minutes


@dataclass
class _Entry:
    used: int
    last_read: float
    in_db: frozenset[datetime] = frozenset()
    seeded: bool = False
    read_at: float | None = None        # ticks when the database was last read for this key


class QuotaCache:
    def __init__(self, engine: Engine, refresh_every: float = 2.0) -> None:
        self.engine, self.refresh_every = engine, refresh_every
        self.ticks: Callable[[], float] = time.monotonic
        self._lock = threading.Lock()
        self._local: dict[tuple[str, str], set[datetime]] = {}
        self._entries: dict[tuple[str, str, datetime], _Entry] = {}
        self._starts: dict[tuple[str, str], set[datetime]] = {}    # period starts asked per (user, rule)
        self._preloaded: dict[tuple[str, str], array[int]] = {}         # epoch minutes, until keys are seeded
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

    def used(self, user: str, rule: str, period_start: datetime, current: datetime | None = None) -> int:
        """Minutes charged to (user, rule) since `period_start`, not counting `current` (the minute
        the person is in: already paid for when charged, here or elsewhere). From memory, never waits."""
        start = period_start.astimezone(timezone.utc)
        with self._lock:
            entry = self._entry(user, rule, start)
            paid = current is not None and self._charged(entry, user, rule, start, current)
            return entry.used - paid

    def age(self, user: str, rule: str, period_start: datetime) -> float | None:
        """Ticks since (user, rule, period) was last read from the database; None if it never was."""
        with self._lock:
            entry = self._entries.get((user, rule, period_start.astimezone(timezone.utc)))
            if entry is None or entry.read_at is None:
                return None
            return max(0.0, self.ticks() - entry.read_at)

    def is_charged(self, user: str, rule: str, period_start: datetime, minute: datetime) -> bool:
        """`minute` is charged to (user, rule), as far as this process knows."""
        start = period_start.astimezone(timezone.utc)
        with self._lock:
            return self._charged(self._entry(user, rule, start), user, rule, start, minute)

    def claimed(self, user: str, rule: str, period_start: datetime, minute: datetime, claim: Claim,
                read_at: float) -> None:
        """A claim in the database (begun at `read_at` ticks) answered: it is now this key's truth."""
        start = period_start.astimezone(timezone.utc)
        with self._lock:
            if claim.granted:
                self._local.setdefault((user, rule), set()).add(minute)
            entry = self._entry(user, rule, start)
            if entry.read_at is None or entry.read_at <= read_at:
                self._learn(entry, user, rule, start, claim.charged, read_at)

    def _entry(self, user: str, rule: str, start: datetime) -> _Entry:
        """The key's entry, made from the preload and this process's charges when new (lock held)."""
        now = self.ticks()
        entry = self._entries.get((user, rule, start))
        if entry is None:
            known = self._from_preload(user, rule, start)
            mine = {m for m in self._local.get((user, rule), ()) if m >= start}
            entry = self._entries[(user, rule, start)] = _Entry(len(known | mine), now, known)
            self._starts.setdefault((user, rule), set()).add(start)
            self._wanted.set()
        entry.last_read = now
        return entry

    def _charged(self, entry: _Entry, user: str, rule: str, start: datetime, minute: datetime) -> bool:
        return minute >= start and (minute in entry.in_db or minute in self._local.get((user, rule), ()))

    def _learn(self, entry: _Entry, user: str, rule: str, start: datetime, in_db: frozenset[datetime],
               read_at: float) -> None:
        entry.in_db, entry.read_at, entry.seeded = in_db, read_at, True
        mine = {m for m in self._local.get((user, rule), ()) if m >= start}
        entry.used = len(in_db | mine)

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
        now = self.ticks()
        with self._lock:
            idle = [k for k, e in self._entries.items() if now - e.last_read > IDLE_EXPIRY]
            for user, rule, start in idle:
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
                    if entry is None or (entry.read_at is not None and entry.read_at > now):
                        continue            # gone, or a claim read it after this refresh began
                    self._learn(entry, user, rule, start, frozenset(by_user.get(user, ())), now)
            for key, minutes in self._local.items():
                self._local[key] = {m for m in minutes if m >= horizon}
        self.refreshed_at, self.error = datetime.now(timezone.utc), None
        if idle:
            log.info("quota state of %d idle key(s) forgotten: read again from the database when asked", len(idle))

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

    def status(self) -> dict[str, Any]:
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
