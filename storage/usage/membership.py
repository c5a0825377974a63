"""Who belonged to which group, and since when: so a past day's team figures never change.

Summaries count a person's usage in a group for each policy-local day on which they belonged to the
group when the day began (at midnight in the policy's zone). Without a history, editing the rules'
groups would recompute every past week with today's members, and the difference between the same
week before and after an edit would be one person's usage.

The panel records the groups (with their `include:`s expanded) whenever it loads a policy version:
a pair that is new opens a row at that moment, a pair that is gone closes its row. The very first
record (an empty table) dates its rows from before any usage, as the rules were the only history
there was. Rows are only ever added or closed at "now", so membership at any moment already past
never changes. At most one row per pair is open: a partial unique index makes a second panel that
records the same change at the same time fail and read the first one's rows instead.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import ColumnElement, Index, String, and_, false, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.usage.tables import NAME, ActiveMinute, Attempt, BigId, QuotaCharge
from storage.utc import UTCDateTime

OPEN = text("left_at IS NULL")


class GroupMember(Base):
    """A person belonged to a group from `joined_at` (None: before any usage) to `left_at` (None: still)."""
    __tablename__ = "group_members"
    __table_args__ = (
        Index("ix_group_members_group_name", "group_name", "user_name"),
        Index("uq_group_members_open", "group_name", "user_name", unique=True,
              sqlite_where=OPEN, postgresql_where=OPEN),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_name: Mapped[str] = mapped_column(String(NAME))
    user_name: Mapped[str] = mapped_column(String(NAME))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


def record_groups(db: Session, groups: Mapping[str, Collection[str]], at: datetime) -> None:
    """Bring the history up to `groups` (group -> every member) as of `at`; commits."""
    for attempt in range(3):
        try:
            _record(db, groups, at)
            db.commit()
            return
        except IntegrityError:
            db.rollback()   # another panel recorded the same change first: compare again with its rows
            if attempt == 2:
                raise


def _record(db: Session, groups: Mapping[str, Collection[str]], at: datetime) -> None:
    first = db.scalar(select(GroupMember.id).limit(1)) is None
    wanted = {(group, user) for group, users in groups.items() for user in users}
    open_rows = db.scalars(select(GroupMember).where(GroupMember.left_at.is_(None))).all()
    for row in open_rows:
        if (row.group_name, row.user_name) not in wanted:
            row.left_at = max(at, row.joined_at) if row.joined_at else at
    for group, user in sorted(wanted - {(row.group_name, row.user_name) for row in open_rows}):
        db.add(GroupMember(group_name=group, user_name=user, joined_at=None if first else at))
    db.flush()


def members_by_day(db: Session, group: str, first: date, last: date, zone: tzinfo) -> dict[date, frozenset[str]]:
    """For each policy-local day from `first` to `last`: who belonged to `group` when the day began."""
    rows = db.execute(select(GroupMember.user_name, GroupMember.joined_at, GroupMember.left_at)
                      .where(GroupMember.group_name == group)).all()
    days = {}
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        start = datetime.combine(day, time(), zone)
        days[day] = frozenset(user for user, joined, left in rows
                              if (joined is None or joined <= start) and (left is None or start < left))
    return days


def belonged(model: type[ActiveMinute] | type[Attempt] | type[QuotaCharge],
             by_day: Mapping[date, frozenset[str]]) -> ColumnElement[bool]:
    """A WHERE clause for a usage model's rows (it has `day` and `user_name`) of people in `by_day`."""
    days_of: dict[frozenset[str], list[date]] = {}
    for day, users in by_day.items():
        if users:
            days_of.setdefault(users, []).append(day)
    clauses = [and_(model.day.in_(days), model.user_name.in_(sorted(users))) for users, days in days_of.items()]
    return or_(*clauses) if clauses else false()
