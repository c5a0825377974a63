"""Saving one group's adjustment so that a save over a change made meanwhile is refused, not lost.

Each form carries the `version` of the adjustment it was read from (its id and version number, or
"none"). The save is a conditional write: an update or delete only of that very version, an insert
only where none exists (the unique (rule, group) constraint). Of two managers saving the same limit
from the same page, the second is told it changed meanwhile — on SQLite, where the panel's writes
queue on the write lock, as on PostgreSQL, where the second update finds no row left to match.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Delete, Update, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.changes.adjustments import Adjustment
from storage.db import changed_rows

NONE = "none"


def version_of(row: Adjustment | None) -> str:
    return NONE if row is None else f"{row.id}.{row.version}"


def save(db: Session, row: Adjustment | None, seen: str | None, rule: str, group: str, values: dict,
         actor: str, moment: datetime) -> bool:
    """Write `values` (empty: back to the rules) over `row` if it is still the version `seen`; False,
    with nothing written, when someone saved meanwhile. The caller commits."""
    if seen != version_of(row):
        return False
    fields = {"minutes": values.get("minutes"), "action": values.get("action"), "when": values.get("when")}
    if row is None and not values:
        return True
    if row is None:
        try:
            with db.begin_nested():
                db.add(Adjustment(rule=rule, group_name=group, set_by=actor, set_at=moment, **fields))
        except IntegrityError:   # another save inserted this (rule, group) first
            return False
        return True
    same = (Adjustment.id == row.id) & (Adjustment.version == row.version)
    statement: Update | Delete
    if values:
        statement = update(Adjustment).where(same).values(set_by=actor, set_at=moment, version=row.version + 1,
                                                          **fields)
    else:
        statement = delete(Adjustment).where(same)   # every field back to the rules' value
    return changed_rows(db.execute(statement.execution_options(synchronize_session=False))) == 1
