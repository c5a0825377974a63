"""A group's adjustment saved as one step: the conditional write, its audit record and the commit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage import audit
from storage.changes.adjustments import Adjustment
from web.manager.adjustable import Tunable
from web.manager.saving import save
from web.manager.wording import describe

CHANGED = "adjustment changed"          # the audit trail's actions, which an admin may roll back
ROLLED_BACK = "adjustment rolled back"


def save_adjustment(db: Session, tunable: Tunable, seen: str | None, values: dict, actor: str,
                    moment: datetime, source: str | None = None) -> list[str] | None:
    """A manager's change: `values` (empty: back to the rules) for the tunable's group, if its adjustment
    is still the version `seen`. The change in words; None, with nothing written, when someone saved
    meanwhile."""
    row = tunable.current
    sentences = describe(tunable, values)       # now: the saved row reads its new values once committed
    before = row.values() if row and not tunable.stale else None
    written = write_adjustment(db, row, seen, tunable.rule.name, tunable.group, values, before=before,
                               actor=actor, moment=moment, action=CHANGED, source=source)
    return sentences if written else None


def write_adjustment(db: Session, row: Adjustment | None, seen: str | None, rule: str, group: str, values: dict,
                     *, before: dict | None, actor: str, moment: datetime, action: str,
                     source: str | None) -> bool:
    """Write `values` over `row` if it is still the version `seen`, record `action` on the audit trail and
    commit; False, rolled back with nothing written, when someone saved meanwhile."""
    if not save(db, row, seen, rule, group, values, actor, moment):
        db.rollback()
        return False
    audit.record(db, actor=actor, action=action, target=f"adjustment:{rule}/{group}",
                 before=before, after=values or None, source=source)
    db.commit()
    return True
