"""Managers' adjustments: one rule's value changed for one group, within the rule's `adjustable` bounds.

At most one adjustment per (rule, group); a change replaces it and raises its `version` (so the panel
can refuse a save made from a page read before another save), and the audit trail keeps every earlier
value (before → after), which is what an admin's roll-back restores. The bounds themselves are the
engine's to check (`Policy.with_overrides`), so the panel validates before it saves.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime, utcnow


class Adjustment(Base):
    __tablename__ = "adjustments"
    __table_args__ = (UniqueConstraint("rule", "group_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(255))
    group_name: Mapped[str] = mapped_column(String(255))
    minutes: Mapped[int | None] = mapped_column(Integer)          # None: as the rules say
    action: Mapped[str | None] = mapped_column(String(16))
    when: Mapped[list[str] | None] = mapped_column(JSON)          # schedule names
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    def values(self) -> dict[str, Any]:
        """The adjusted fields only, as the audit trail records them."""
        found = {"minutes": self.minutes, "action": self.action, "when": self.when}
        return {key: value for key, value in found.items() if value is not None}


def all_adjustments(db: Session) -> list[Adjustment]:
    return list(db.scalars(select(Adjustment).order_by(Adjustment.rule, Adjustment.group_name)))
