"""What the proxy records: active minutes, quota charges, attempts, and which proxies are alive.

Privacy by design: only user names, policy names (site, category, rule), minutes and days. Never a
path, a query string, page content or a password. Anonymous users and "the default rule" are stored
as "" rather than NULL, because NULLs never collide in a uniqueness constraint.
Times are aware UTC (`UTCDateTime`); `day` is the policy-local date, for the panel's summaries.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")
NAME = 255


class ActiveMinute(Base):
    """A user used a site in a minute (a page or WebSocket message passed): counted once, anywhere."""
    __tablename__ = "active_minutes"
    __table_args__ = (
        UniqueConstraint("user_name", "site", "minute"),
        Index("ix_active_minutes_day_site", "day", "site"),
        Index("ix_active_minutes_day_user", "day", "user_name"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(NAME))
    site: Mapped[str] = mapped_column(String(NAME))
    category: Mapped[str] = mapped_column(String(NAME))
    minute: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date())


class QuotaCharge(Base):
    """A minute charged to a quota rule's budget: once per user, rule and minute, whatever the site."""
    __tablename__ = "quota_charges"
    __table_args__ = (
        UniqueConstraint("user_name", "rule", "minute"),
        Index("ix_quota_charges_rule_minute", "rule", "minute"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(NAME))
    rule: Mapped[str] = mapped_column(String(NAME))
    minute: Mapped[datetime] = mapped_column(UTCDateTime())
    day: Mapped[date] = mapped_column(Date())


class Attempt(Base):
    """How often a user was blocked, warned or continued on a site under a rule, per day."""
    __tablename__ = "usage_attempts"
    __table_args__ = (
        UniqueConstraint("user_name", "site", "rule", "day", "kind"),
        Index("ix_usage_attempts_day_site", "day", "site"),
        Index("ix_usage_attempts_day_user", "day", "user_name"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(NAME))
    site: Mapped[str] = mapped_column(String(NAME))
    rule: Mapped[str] = mapped_column(String(NAME))       # "" when the policy's default decided
    day: Mapped[date] = mapped_column(Date())
    kind: Mapped[str] = mapped_column(String(32))         # blocked | warned | continued
    count: Mapped[int] = mapped_column(Integer(), default=0)


class AppliedBatch(Base):
    """A writer batch already in the database: replaying a spool applies each batch exactly once."""
    __tablename__ = "usage_batches"
    __table_args__ = (Index("ix_usage_batches_applied_at", "applied_at"),)
    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_id: Mapped[str] = mapped_column(String(NAME))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProxyNode(Base):
    """A proxy's heartbeat, for the panel's status page."""
    __tablename__ = "proxy_nodes"
    node_id: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    policy_version: Mapped[str | None] = mapped_column(String(NAME))
    last_reload_error: Mapped[str | None] = mapped_column(Text())
    spooled: Mapped[int] = mapped_column(Integer(), default=0)  # records waiting for the database
    spool_error: Mapped[str | None] = mapped_column(Text())      # why the spool refuses writes, if it does
    held_in_memory: Mapped[int] = mapped_column(Integer(), default=0)   # records waiting for the spool
    dropped_records: Mapped[int] = mapped_column(Integer(), default=0)  # lost beyond the memory bound
