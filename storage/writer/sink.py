"""`DatabaseUsageSink`: the durable `UsageSink` — what the proxy sees, kept in SQLite or PostgreSQL.

Every method runs on mitmproxy's event loop and touches memory only: records go to the writer's
queue (spool, then database, on threads), quota answers come from the quota cache. The one
exception is `claim`, which charges a minute in the database itself: the proxy calls it from a
worker thread when its answer for a person is not recent enough to charge on. Creating the
sink opens no connection, so a database that is down or stalled at start delays nothing: the writer
brings the schema up to date in the background, and meanwhile the proxy enforces from memory,
spools, logs the outage and shows it in `status()`.
"""
from __future__ import annotations

import logging
import re
import socket
from collections.abc import Callable
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from storage.db import DbTimeouts, data_dir, describe, make_engine
from storage.quota.cache import QuotaCache
from storage.quota.claims import claim_minute
from storage.spool.folder import Spool
from storage.spool.handoff import SpoolHandOff
from storage.spool.records import AttemptRecord, ChargeRecord, MinuteRecord
from storage.usage.nodes import NodeState, beat
from storage.writer.background import UsageWriter
from storage.writer.health import STALL_AFTER

log = logging.getLogger("watercooler.storage")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DEFAULT_TIMEOUTS = DbTimeouts()     # frozen: one instance serves every sink
SEEN_MINUTES = 5   # remember recent minutes, so a busy page does not queue the same minute 100 times


class DatabaseUsageSink:
    shared = True       # other proxies (or processes) may use the same database

    def __init__(self, url: str | None = None, *, data: Path | None = None, node: str | None = None,
                 zone: str | tzinfo | None = None, max_delay: float = 1.0, max_rows: int = 500,
                 refresh_every: float = 2.0, timeouts: DbTimeouts = DEFAULT_TIMEOUTS,
                 stall_after: float = STALL_AFTER) -> None:
        self.engine = make_engine(url, timeouts)
        self.spool = Spool((data or data_dir()) / "spool", node or socket.gethostname())
        self.node = NodeState(self.spool.node)
        self.zone: tzinfo = timezone.utc
        self.use_zone(zone)
        self.quotas = QuotaCache(self.engine, refresh_every)
        self.handoff = SpoolHandOff(self.spool)   # before the writer: its heartbeat reports this
        self.writer = UsageWriter(self.engine, self.spool, max_delay=max_delay, max_rows=max_rows,
                                  jobs=self._beat, handoff=self.handoff, stall_after=stall_after)
        self.quotas.start()
        self._seen: dict[datetime, set[tuple[str, str, str, datetime]]] = {}
        log.info("usage is stored in %s as node %s (spool: %s)", describe(self.engine.url),
                 self.node.node_id, self.spool.folder)

    @property
    def schema_ready(self) -> bool:
        """The writer has brought the schema up to date: the panel's tables can be read."""
        return self.writer.db.schema_ready.is_set()

    def use_zone(self, zone: str | tzinfo | None) -> None:
        """The policy's zone: days in the records are policy-local days. Call again after a reload."""
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone or timezone.utc

    def set_node_state(self, policy_version: str | None = None, reload_error: str | None = None) -> None:
        """What the heartbeat reports on the panel's status page (policy in force, last reload error)."""
        self.node.policy_version, self.node.last_reload_error = policy_version, reload_error

    def minute(self, user: str | None, site: str, category: str, at: datetime,
               quota_rule: str | None = None) -> None:
        moment = _utc_minute(at)
        who, day = _name(user), self._day(at)
        if self._first("m", who, site, moment):
            self.writer.put(MinuteRecord(who, _name(site), _name(category), moment, day))
        if quota_rule is not None and self._first("q", who, quota_rule, moment):
            self.writer.put(ChargeRecord(who, _name(quota_rule), moment, day))
            self.quotas.charge(who, _name(quota_rule), moment)

    def attempt(self, user: str | None, site: str, rule: str | None, kind: str, at: datetime) -> None:
        self.writer.put(AttemptRecord(_name(user), _name(site), _name(rule), self._day(at), _name(kind)[:32]))

    def used_minutes(self, user: str | None, rule: str, period_start: datetime,
                     current: datetime | None = None) -> int:
        return self.quotas.used(_name(user), _name(rule), period_start,
                                _utc_minute(current) if current is not None else None)

    def is_charged(self, user: str | None, rule: str, period_start: datetime, at: datetime) -> bool:
        return self.quotas.is_charged(_name(user), _name(rule), period_start, _utc_minute(at))

    def quota_age(self, user: str | None, rule: str, period_start: datetime) -> float | None:
        """How old this process's answer for (user, rule) is, in clock seconds; None when it was never
        read from the database, or when this process's own charges are not reaching the database
        (then other proxies cannot see them in time, so every charge must be claimed)."""
        if self.writer.health.state != "up":
            return None
        return self.quotas.age(_name(user), _name(rule), period_start)

    def claim(self, user: str | None, rule: str, period_start: datetime, at: datetime, limit: int,
              deadline: float | None = None) -> bool:
        """Blocking (a worker thread): charge the minute of `at` in the database if the budget has room
        (and `deadline`, in time.monotonic(), has not passed)."""
        who, name, minute = _name(user), _name(rule), _utc_minute(at)
        read_at = self.quotas.ticks()
        start = period_start.astimezone(timezone.utc)
        claim = claim_minute(self.engine, who, name, start, minute, self._day(at), limit, deadline)
        self.quotas.claimed(who, name, start, minute, claim, read_at)
        return claim.granted

    def use_clock(self, ticks: Callable[[], float]) -> None:
        """The proxy clock's monotonic seconds (`Clock.ticks`): quota ages are in policy time."""
        self.quotas.ticks = ticks

    def status(self) -> dict[str, Any]:
        return {"sink": "database", "database_url": describe(self.engine.url), "node": self.node.node_id,
                **self.writer.status(), **self.quotas.status()}

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far is in the database (tests and tools; not for the loop)."""
        return self.writer.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        self.quotas.close()
        self.writer.close(timeout)
        self.engine.dispose()

    def _beat(self, conn: Connection) -> None:
        self.node.spooled = self.spool.backlog
        self.node.spool_error, self.node.held_in_memory = self.handoff.error, self.handoff.held
        self.node.dropped_records = self.handoff.dropped
        beat(conn, self.node)

    def _day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def _first(self, kind: str, who: str, what: str, moment: datetime) -> bool:
        key = (kind, who, what, moment)
        seen = self._seen.get(moment)
        if seen is None:
            seen = self._seen[moment] = set()
            for old in [m for m in self._seen if (moment - m).total_seconds() > 60 * SEEN_MINUTES]:
                del self._seen[old]
        if key in seen:
            return False
        seen.add(key)
        return True


def _utc_minute(at: datetime) -> datetime:
    return at.astimezone(timezone.utc).replace(second=0, microsecond=0)


def _name(value: str | None) -> str:
    """Policy and user names as stored: control characters dropped, at most 255 characters."""
    if not value:
        return ""
    return value[:255] if value.isprintable() else CONTROL.sub("", value)[:255]
