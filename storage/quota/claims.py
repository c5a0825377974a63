"""Claiming a quota minute in the database: the insert happens only while the budget has room.

Every proxy on one database claims the last minutes of a person's budget here, so two proxies
can never both hand out the last one. One transaction per claim: it locks the person's budget for
that rule (on PostgreSQL a transaction-scoped advisory lock on a hash of user and rule; on SQLite the
write lock of `BEGIN IMMEDIATE`), reads the minutes charged since the period started, and inserts
the minute only when it is already charged or fewer than `limit` minutes are. Reading first and
charging after would not do: two proxies reading at once both see room. The lock is per person and
rule, so claims for different people never wait for each other. A claim past its `deadline` (the
request stopped waiting for it) rolls back instead of charging a minute nobody was let into.
Blocking: call it from a worker thread, never on the proxy's event loop.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select, text
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import write_connection
from storage.usage.tables import QuotaCharge

LOCK_WAIT_MS = 2000       # a claim waits this long at most for another claim on the same budget


class ClaimTooLate(TimeoutError):
    """The claim reached its deadline before charging: nothing was charged."""


@dataclass(frozen=True)
class Claim:
    granted: bool                   # the minute is charged (now or before); False: the budget is used up
    charged: frozenset[datetime]    # every minute charged since the period started, as the database has them


def claim_minute(engine: Engine, user: str, rule: str, period_start: datetime, minute: datetime,
                 day: date, limit: int, deadline: float | None = None) -> Claim:
    """Charge `minute` (aware UTC, whole) to (user, rule) if the budget of `limit` minutes since
    `period_start` still has room; the answer says whether it did and what the database holds.
    `deadline` (time.monotonic()): past it, ClaimTooLate and nothing charged."""
    with write_connection(engine) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": budget_key(user, rule)})
        charged = frozenset(conn.execute(
            select(QuotaCharge.minute).where(QuotaCharge.user_name == user, QuotaCharge.rule == rule,
                                             QuotaCharge.minute >= period_start)).scalars())
        if minute in charged:
            return Claim(True, charged)
        if len(charged) >= limit:
            return Claim(False, charged)
        if deadline is not None and time.monotonic() > deadline:
            raise ClaimTooLate("the claim came too late: nothing charged")
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        conn.execute(insert(QuotaCharge).values(user_name=user, rule=rule, minute=minute, day=day)
                     .on_conflict_do_nothing())
    return Claim(True, charged | {minute})


def budget_key(user: str, rule: str) -> int:
    """A signed 64-bit number naming one person's budget under one rule (for the advisory lock)."""
    digest = hashlib.blake2b(f"{user}\0{rule}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
