"""The three things the writer stores, as small values that travel through the spool as JSON lines.

Every record carries its batch id, so a replayed spool applies each batch exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class MinuteRecord:
    user: str
    site: str
    category: str
    minute: datetime        # aware UTC, whole minute
    day: date               # policy-local date


@dataclass(frozen=True, slots=True)
class ChargeRecord:
    user: str
    rule: str
    minute: datetime
    day: date


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    user: str
    site: str
    rule: str
    day: date
    kind: str
    count: int = 1


Record = MinuteRecord | ChargeRecord | AttemptRecord


def to_line(batch: str, record: Record) -> dict[str, Any]:
    """The JSON-ready form written to the spool."""
    if isinstance(record, MinuteRecord):
        return {"batch": batch, "type": "minute", "user": record.user, "site": record.site,
                "category": record.category, "minute": record.minute.isoformat(),
                "day": record.day.isoformat()}
    if isinstance(record, ChargeRecord):
        return {"batch": batch, "type": "charge", "user": record.user, "rule": record.rule,
                "minute": record.minute.isoformat(), "day": record.day.isoformat()}
    return {"batch": batch, "type": "attempt", "user": record.user, "site": record.site,
            "rule": record.rule, "day": record.day.isoformat(), "kind": record.kind,
            "count": record.count}


def from_line(line: dict[str, Any]) -> tuple[str, Record]:
    """(batch id, record) from a spool line; KeyError/ValueError when the line is not one of ours."""
    kind, day = line["type"], date.fromisoformat(line["day"])
    if kind == "minute":
        return line["batch"], MinuteRecord(line["user"], line["site"], line["category"],
                                           _utc(line["minute"]), day)
    if kind == "charge":
        return line["batch"], ChargeRecord(line["user"], line["rule"], _utc(line["minute"]), day)
    if kind == "attempt":
        return line["batch"], AttemptRecord(line["user"], line["site"], line["rule"], day,
                                            line["kind"], int(line["count"]))
    raise ValueError(f"unknown record type {kind!r}")


def merge_attempts(records: list[Record]) -> list[Record]:
    """The same records with attempts of one key summed into one (a batch then holds each key once)."""
    totals: dict[tuple[str, str, str, date, str], int] = {}
    others: list[Record] = []
    for record in records:
        if isinstance(record, AttemptRecord):
            key = (record.user, record.site, record.rule, record.day, record.kind)
            totals[key] = totals.get(key, 0) + record.count
        else:
            others.append(record)
    return others + [AttemptRecord(*key, count=count) for key, count in totals.items()]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)
