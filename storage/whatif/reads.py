"""What a what-if replay reads: minutes streamed person by person, blocked attempts, grants, adjustments.

Minutes come in one query on a server-side cursor (PostgreSQL) or a stepped one (SQLite), read in
chunks (the next ones fetched while the last are replayed: `storage.whatif.prefetch`), ordered along the
(user, site, minute) uniqueness index so the database sorts nothing; each person's minutes are put in
time order here. Memory holds one person's minutes and a few chunks at a time.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Engine, cast, extract, func, select

from policy.changes.overrides import Adjustment as PolicyAdjustment, Grant as PolicyGrant
from storage.audit import AuditRecord
from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.usage.membership import GroupMember
from storage.usage.tables import ActiveMinute, Attempt
from storage.whatif.prefetch import read_ahead

CHUNK = 20_000
HISTORY = ("adjustment changed", "adjustment rolled back")   # audit actions that set an adjustment
_Change = tuple[datetime, dict[str, Any] | None, dict[str, Any] | None]   # (when, before, after) of one audit row


def person_minutes(engine: Engine, start: datetime, end: datetime,
                   chunk: int = CHUNK) -> Iterator[tuple[str, list[tuple[float, str, str]]]]:
    """(user, [(epoch seconds, site, category)] in time order) for minutes in [start, end), by user."""
    with engine.connect() as conn:
        query = (select(ActiveMinute.user_name, _epoch(conn.dialect.name), ActiveMinute.site, ActiveMinute.category)
                 .where(ActiveMinute.minute >= start, ActiveMinute.minute < end)
                 .order_by(ActiveMinute.user_name, ActiveMinute.site, ActiveMinute.minute))
        result = conn.execution_options(stream_results=True, yield_per=chunk).execute(query)
        chunks = result.partitions()
        for user, mine in groupby(read_ahead(chunks), key=itemgetter(0)):
            found: list[tuple[float, str, str]] = [(ts, site, category) for _, ts, site, category in mine]
            found.sort()
            yield user, found


def _epoch(dialect: str) -> ColumnElement[int]:
    """The minute as epoch seconds, worked out by the database: no datetime per row in Python."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", ActiveMinute.minute), BigInteger)
    return cast(extract("epoch", ActiveMinute.minute), BigInteger)


def blocked_attempts(engine: Engine, first: date, last: date) -> dict[str, list[tuple[str, str, date, int]]]:
    """user → [(site, rule, day, count)] of blocked attempts on the days `first` to `last`."""
    found: dict[str, list[tuple[str, str, date, int]]] = {}
    query = (select(Attempt.user_name, Attempt.site, Attempt.rule, Attempt.day, Attempt.count)
             .where(Attempt.kind == "blocked", Attempt.day.between(first, last)))
    with engine.connect() as conn:
        for user, site, rule, day, count in conn.execute(query):
            found.setdefault(user, []).append((site, rule, day, count))
    return found


def grants_between(engine: Engine, start: datetime, end: datetime) -> list[PolicyGrant]:
    """Grants that ran at some moment of [start, end), with when they started."""
    query = select(Grant).where(Grant.starts_at < end, Grant.expires_at > start).order_by(Grant.id)
    with engine.connect() as conn:
        return [PolicyGrant(row.user_name, row.site, row.expires_at, row.starts_at, row.granted_by)
                for row in conn.execute(query)]


def adjustment_history(engine: Engine, start: datetime, end: datetime
                       ) -> list[tuple[datetime | None, tuple[PolicyAdjustment, ...]]]:
    """(from when, the adjustments in force) over [start, end); the first entry's time is None.

    The audit trail holds each change (before → after); an adjustment it never mentions is taken to
    have held since it was set."""
    with engine.connect() as conn:
        rows = conn.execute(select(Adjustment)).all()
        audit = conn.execute(select(AuditRecord.at, AuditRecord.target, AuditRecord.before, AuditRecord.after)
                             .where(AuditRecord.action.in_(HISTORY), AuditRecord.target.like("adjustment:%"))
                             .order_by(AuditRecord.at, AuditRecord.id)).all()
    changes: dict[tuple[str, str], list[_Change]] = {}
    for at, target, before, after in audit:
        rule, _, group = target.removeprefix("adjustment:").partition("/")
        changes.setdefault((rule, group), []).append((at, before, after))
    unaudited = {(row.rule, row.group_name): (row.set_at, row.values()) for row in rows
                 if (row.rule, row.group_name) not in changes}
    moments = {at for found in changes.values() for at, _, _ in found} | {at for at, _ in unaudited.values()}
    cuts = sorted(at for at in moments if start < at < end)
    return [(None if i == 0 else at, _in_force(changes, unaudited, at))
            for i, at in enumerate([start, *cuts])]


def group_history(engine: Engine) -> list[tuple[str, str, datetime | None, datetime | None]]:
    """(group, user, joined, left) of every membership the panel recorded."""
    with engine.connect() as conn:
        return [(group, user, joined, left) for group, user, joined, left in conn.execute(select(
            GroupMember.group_name, GroupMember.user_name, GroupMember.joined_at, GroupMember.left_at))]


def _in_force(changes: dict[tuple[str, str], list[_Change]],
              unaudited: dict[tuple[str, str], tuple[datetime, dict[str, Any]]],
              at: datetime) -> tuple[PolicyAdjustment, ...]:
    values: dict[tuple[str, str], dict[str, Any]] = {}
    for key, found in changes.items():
        done = [after for moment, _, after in found if moment <= at]
        value = done[-1] if done else found[0][1]
        if value:
            values[key] = value
    for key, (set_at, value) in unaudited.items():
        if set_at <= at and value:
            values[key] = value
    return tuple(PolicyAdjustment(rule, group, value.get("minutes"), value.get("action"),
                                  tuple(value["when"]) if value.get("when") else None)
                 for (rule, group), value in sorted(values.items()))
