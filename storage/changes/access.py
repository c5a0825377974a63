"""Temporary access: an employee's request for a site, and the grant a manager gives (or not).

A grant lets one person use one site until it expires, whatever the rules say; it then ends by itself
(the engine stops honouring it at `expires_at`, no clean-up job needed); ending one early moves
`expires_at` to that moment and names who ended it. Requests keep their outcome so the person can see
it on their page: pending, then approved, declined, withdrawn (by the person) or expired (undecided
for too long).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime, utcnow

STATUSES = ("pending", "approved", "declined", "withdrawn", "expired")


class AccessRequest(Base):
    __tablename__ = "access_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'declined', 'withdrawn', 'expired')", name="status"),
        Index("ix_access_requests_status_created_at", "status", "created_at"),
        Index("ix_access_requests_user_name_created_at", "user_name", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100))
    site: Mapped[str] = mapped_column(String(255))          # a site's name in the policy
    reason: Mapped[str] = mapped_column(String(500))
    hours: Mapped[int] = mapped_column(Integer)             # how long the person asked for
    minutes: Mapped[int | None] = mapped_column(Integer)    # set: more budget minutes today, not the site
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(500))   # the manager's note with the decision


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (Index("ix_grants_expires_at", "expires_at"), Index("ix_grants_user_name", "user_name"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(100))
    site: Mapped[str] = mapped_column(String(255))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str] = mapped_column(String(100))
    minutes: Mapped[int | None] = mapped_column(Integer)    # set: budget minutes added until expires_at
    request_id: Mapped[int | None] = mapped_column(ForeignKey("access_requests.id"))
    ended_by: Mapped[str | None] = mapped_column(String(100))          # who ended it before its time
    ending_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the person was told it ends soon


def active_grants(db: Session, now: datetime | None = None) -> list[Grant]:
    """Grants still running at `now` (default: the present)."""
    moment = now or utcnow()
    return list(db.scalars(select(Grant).where(Grant.starts_at <= moment, Grant.expires_at > moment)))
