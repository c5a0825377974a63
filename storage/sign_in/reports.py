"""Failed and refused sign-ins reach the audit once per burst, not once per request.

A burst is a counter's window (storage/sign_in/throttle.py): the first failed password check for an
account from an address in it writes one `sign-in failed` record (or `password check failed`, `proxy
sign-in failed`), the first refused attempt one `sign-in throttled` record — in the burst of the counter that refused
it: the name's from that address, the address's across names, or the name's across addresses. The
rest of the burst is counted on the counters, which the admin's account page shows. So a flood of
guesses adds, every window, at most one failure record per name an address may still try (and no
more names than the address limit) and one refusal record per counter that refuses: it cannot push
real changes out of view, whatever names or addresses it rotates.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError

from storage.audit import AuditRecord
from storage.db import write_connection
from storage.sign_in.throttle import COUNTERS, pair_key
from storage.utc import utcnow

FAILED, REFUSED = 1, 2   # bits of SignInCounter.reported: which kinds this window has reported
log = logging.getLogger(__name__)


def report_once(engine: Engine, name: str, address: str | None, *, kind: int, action: str, why: str,
                window: timedelta, source: str | None = None, counter: tuple[str, str] | None = None) -> bool:
    """Write the audit record for this burst unless it has one of this kind; True when written.

    The burst is that of `counter` (a key of sign_in_counters), by default the name's from the address.
    Never raises: a database that cannot take the record right now costs that record, not the answer."""
    now = utcnow()
    try:
        with write_connection(engine) as conn, conn.begin():
            started = _first_in_window(conn, counter or pair_key(name, address), kind, now, window)
            if started is None:
                return False
            conn.execute(insert(AuditRecord).values(
                at=now, actor=None, action=action, target=f"account:{name.strip()}", before=None,
                after={"why": why,
                       "more in this burst are counted until": (started + window).isoformat(timespec="seconds")},
                source=source or address))
            return True
    except DBAPIError as exc:
        log.warning("audit record %r for a sign-in not written: %s", action, type(exc).__name__)
        return False


def _first_in_window(conn: Connection, counter: tuple[str, str], kind: int, now: datetime,
                     window: timedelta) -> datetime | None:
    """The window's start when this is its first report of `kind` (now marked), else None.

    Creates the counter when missing: the proxy reports failures it throttles itself."""
    table = COUNTERS
    account, where = counter
    fresh = {"account": account, "address": where, "window_started": now, "checks": 0, "refused": 0, "reported": 0}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(table).values(fresh).on_conflict_do_nothing())
    else:   # BEGIN IMMEDIATE holds the write lock already
        conn.execute(insert(table).values(fresh).prefix_with("OR IGNORE"))
    mine = (table.c.account == account) & (table.c.address == where)
    conn.execute(update(table).where(mine, table.c.window_started <= now - window)
                 .values(window_started=now, checks=0, refused=0, reported=0, last_check=None))
    marked = conn.execute(update(table).where(mine, table.c.reported.op("&")(kind) == 0)
                          .values(reported=table.c.reported.op("|")(kind))
                          .returning(table.c.window_started))
    return marked.scalar()
