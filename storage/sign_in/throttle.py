"""Sign-in throttling: every password check is counted *before* it is made, in one locked transaction.

Three counters, each a row of `sign_in_counters` keyed by (account, address):
- (name, address): one account from one address — at `per_pair` checks that address waits for the
  window to end, for this account only;
- ("", address): one address across every name — at `per_address` that address waits;
- (name, ""): one account from everywhere — at `per_account` checks are *spaced* (one per `spacing`
  for the account), never stopped, so strangers' guesses slow its owner down but cannot lock them out.

A window starts at a counter's first check and lasts `window`; refused attempts are counted but move
nothing, so guessing on does not extend a wait. A successful check gives its count back. The row
lock makes the count hold under any concurrency: SQLite takes its write lock up front (BEGIN
IMMEDIATE), PostgreSQL locks the rows (SELECT … FOR UPDATE, always in key order, of rows an INSERT … ON
CONFLICT DO NOTHING committed just before, so the lock never waits on another's fresh insert; a row a
success deleted meanwhile is made again). A transaction that cannot get its lock in time answers BUSY:
nothing checked.
Names are counted lower-cased, like the accounts they name; names that do not exist count alike.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    RowMapping,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.db import changed_rows, write_connection
from storage.utc import UTCDateTime, utcnow

EVERY = ""   # the account or address column of a counter that spans every account or address


class SignInCounter(Base):
    __tablename__ = "sign_in_counters"

    account: Mapped[str] = mapped_column(String(100), primary_key=True)   # lower-cased name, or EVERY
    address: Mapped[str] = mapped_column(String(80), primary_key=True)    # client address, or EVERY
    window_started: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    checks: Mapped[int] = mapped_column(Integer, default=0)       # passwords checked in this window
    refused: Mapped[int] = mapped_column(Integer, default=0)      # attempts refused without a check
    last_check: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported: Mapped[int] = mapped_column(Integer, default=0)     # audit rows written this window (bits)


# A declarative model's table is a Table; SQLAlchemy types `__table__` as the wider FromClause.
COUNTERS = cast(Table, SignInCounter.__table__)


class Verdict(enum.Enum):
    CHECK = "check"          # counted: check the password now
    THROTTLED = "throttled"  # this account from this address waits for the window
    ADDRESS_THROTTLED = "address throttled"   # this address, whatever name it tries, waits for the window
    SLOWED = "slowed"        # the account is under attack: try again in a few seconds
    BUSY = "busy"            # the database did not give its lock in time: nothing was checked


@dataclass(frozen=True)
class Limits:
    per_pair: int = 5
    per_address: int = 20
    per_account: int = 50
    spacing: timedelta = timedelta(seconds=5)
    window: timedelta = timedelta(minutes=15)


def pair_key(name: str, address: str | None) -> tuple[str, str]:
    return name.strip().lower()[:100], (address or "unknown")[:80]


def _keys(name: str, address: str | None) -> tuple[tuple[str, str], ...]:
    account, where = pair_key(name, address)
    return tuple(sorted({(account, where), (EVERY, where), (account, EVERY)}))   # key order: no deadlocks


def reserve_check(engine: Engine, name: str, address: str | None, limits: Limits,
                  now: datetime | None = None) -> Verdict:
    """Count one password check for `name` from `address`, or say why it may not be made."""
    now = now or utcnow()
    keys = _keys(name, address)
    try:
        for _ in range(3):   # a counter deleted (a success, a lift) between making it and locking it: again
            verdict = _count(engine, keys, pair_key(name, address), limits, now)
            if verdict is not None:
                return verdict
    except DBAPIError:   # lock wait ran out, deadlock, lost connection: refuse rather than check
        pass
    return Verdict.BUSY


def _count(engine: Engine, keys: tuple[tuple[str, str], ...], pair_keyed: tuple[str, str], limits: Limits,
           now: datetime) -> Verdict | None:
    """One locked transaction: the verdict, with its counts written; None when a counter was missing."""
    if engine.dialect.name == "postgresql":
        with write_connection(engine) as conn, conn.begin():
            _make(conn, keys, now)
    with write_connection(engine) as conn, conn.begin():
        if conn.dialect.name != "postgresql":   # BEGIN IMMEDIATE: nobody else writes meanwhile
            _make(conn, keys, now)
        rows = _locked_rows(conn, keys, now, limits.window)
        if len(rows) < len(keys):
            return None
        account, where = pair_keyed
        pair, per_address, per_account = rows[(account, where)], rows[(EVERY, where)], rows[(account, EVERY)]
        if pair.checks >= limits.per_pair:
            verdict = Verdict.THROTTLED
        elif per_address.checks >= limits.per_address:
            verdict = Verdict.ADDRESS_THROTTLED
        elif (per_account.checks >= limits.per_account and per_account.last_check is not None
              and now - per_account.last_check < limits.spacing):
            verdict = Verdict.SLOWED
        else:
            verdict = Verdict.CHECK
        for row in rows.values():
            values = ({"checks": row.checks + 1, "last_check": now} if verdict is Verdict.CHECK
                      else {"refused": row.refused + 1} if row is pair else None)
            if values:
                conn.execute(update(SignInCounter).where(SignInCounter.account == row.account,
                                                         SignInCounter.address == row.address).values(**values))
    return verdict


def _make(conn: Connection, keys: tuple[tuple[str, str], ...], now: datetime) -> None:
    """Create the missing counters. On PostgreSQL in a transaction of their own, committed before the
    locking one begins: that one then meets committed rows only, takes its locks in key order and never
    waits on another's fresh insert (which would take a row out of order, and deadlock). A row a success
    deleted in between is made again inside the locking transaction, after the others are locked."""
    fresh = [{"account": a, "address": w, "window_started": now, "checks": 0, "refused": 0, "reported": 0}
             for a, w in keys]
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(COUNTERS).values(fresh).on_conflict_do_nothing())
    else:
        conn.execute(insert(COUNTERS).values(fresh).prefix_with("OR IGNORE"))


def _locked_rows(conn: Connection, keys: tuple[tuple[str, str], ...], now: datetime,
                 window: timedelta) -> dict[tuple[str, str], SimpleNamespace]:
    table = COUNTERS
    locked = _lock(conn, keys)
    missing = tuple(key for key in keys if key not in {(row["account"], row["address"]) for row in locked})
    if missing and conn.dialect.name == "postgresql":
        # A success deleted them since they were made: made again here, after the others are locked.
        _make(conn, missing, now)
        locked = [*locked, *_lock(conn, missing)]
    rows: dict[tuple[str, str], SimpleNamespace] = {}
    for found in locked:
        row = SimpleNamespace(**found)
        if row.window_started + window <= now:   # that window is over: a new one starts with this attempt
            restart = {"window_started": now, "checks": 0, "refused": 0, "reported": 0, "last_check": None}
            conn.execute(update(table).where(table.c.account == row.account, table.c.address == row.address)
                         .values(**restart))
            row = SimpleNamespace(**{**found, **restart})
        rows[(row.account, row.address)] = row
    return rows


def _lock(conn: Connection, keys: tuple[tuple[str, str], ...]) -> list[RowMapping]:
    table = COUNTERS
    query = select(table).where(_any_key(keys)).order_by(table.c.account, table.c.address)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()    # SQLite: BEGIN IMMEDIATE already holds the only write lock
    return list(conn.execute(query).mappings().all())


def refusal_counter(verdict: Verdict, name: str, address: str | None) -> tuple[str, str]:
    """The counter whose limit refused: a refusal belongs to that counter's burst (one audit record
    each), so trying new names from a throttled address, or new addresses on a slowed account, adds none."""
    account, where = pair_key(name, address)
    if verdict is Verdict.ADDRESS_THROTTLED:
        return EVERY, where
    if verdict is Verdict.SLOWED:
        return account, EVERY
    return account, where


def _any_key(keys: tuple[tuple[str, str], ...]) -> ColumnElement[bool]:
    from sqlalchemy import and_, or_
    table = COUNTERS
    return or_(*(and_(table.c.account == a, table.c.address == w) for a, w in keys))


def give_back(engine: Engine, name: str, address: str | None, *, signed_in: bool = True) -> None:
    """A check succeeded (`signed_in`): this account's count from this address starts again, the others
    give one back. A check that could not be made (the directory was away) gives one back everywhere,
    so it neither counts nor wipes the failures before it."""
    table, keys = COUNTERS, _keys(name, address)
    pair = pair_key(name, address)
    try:
        with write_connection(engine) as conn, conn.begin():
            for account, where in keys:      # in key order, as reserve_check locks them: no deadlocks
                if (account, where) == pair and signed_in:   # gone: no trace of a sign-in that worked
                    conn.execute(delete(table).where(table.c.account == account, table.c.address == where))
                else:
                    conn.execute(update(table).where(table.c.account == account, table.c.address == where,
                                                     table.c.checks > 0).values(checks=table.c.checks - 1))
    except DBAPIError:   # the count stays a little high until its window ends: errs on the safe side
        pass


def counters_for(session: Session, name: str) -> list[SignInCounter]:
    """The counters of one account (each address, and all addresses together), and those of the
    addresses it was tried from across all names (account EVERY), newest window first."""
    counted = (SignInCounter.checks > 0) | (SignInCounter.refused > 0)
    return list(session.scalars(select(SignInCounter).where(_of_account(session, name), counted)
                                        .order_by(SignInCounter.window_started.desc())))


def lift(session: Session, name: str) -> int:
    """Forget every counter of this account, and the across-names counters of the addresses it was
    tried from: its throttles end now, even where a stranger's guesses at other names made its
    address wait. Returns how many counters there were."""
    return changed_rows(session.execute(delete(SignInCounter).where(_of_account(session, name))))


def _of_account(session: Session, name: str) -> ColumnElement[bool]:
    account = name.strip().lower()
    addresses = session.scalars(select(SignInCounter.address).where(
        SignInCounter.account == account, SignInCounter.address != EVERY)).all()
    return (SignInCounter.account == account) | (
        (SignInCounter.account == EVERY) & SignInCounter.address.in_(addresses))


def forget_counters(conn: Connection, name: str, addresses: set[str]) -> int:
    """`watercooler forget`: the counters of this name, and of the addresses that were theirs."""
    wheres = set(addresses) | {f"proxy {address}" for address in addresses}
    return conn.execute(delete(SignInCounter).where(
        (SignInCounter.account == name.strip().lower()) | SignInCounter.address.in_(wheres))).rowcount


def forget_ended(engine: Engine, window: timedelta, now: datetime | None = None) -> None:
    """Drop counters whose window ended long ago, so guessed names do not pile up."""
    try:
        with write_connection(engine) as conn, conn.begin():
            conn.execute(delete(SignInCounter).where(SignInCounter.window_started < (now or utcnow()) - 2 * window))
    except DBAPIError:
        pass
