"""Messages waiting to be delivered (e-mail, webhook), so a panel request never waits on a mail server.

A step of the panel adds rows in its own transaction; a background thread of the panel delivers them.
A row is deleted once delivered (nothing personal is kept after that); a failed attempt keeps it with
the error and a next try after an exponential backoff (30 s doubling, at most an hour), until the
retention purge deletes it `request_days` after it was made (`storage.privacy.retention`): a mail server that is
down loses nothing, and a recipient refused for months does not keep a reason forever.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.base import Base
from storage.utc import UTCDateTime, utcnow

FIRST_RETRY_SECONDS = 30
LAST_RETRY_SECONDS = 3600


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_next_attempt_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))               # "email" or "webhook"
    recipient: Mapped[str] = mapped_column(String(320))            # an e-mail address, or the webhook's URL
    subject: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")            # e-mail: the plain part
    html: Mapped[str] = mapped_column(Text, default="")            # e-mail: the HTML part
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)             # webhook: the JSON body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def backoff(attempts: int, first: float = FIRST_RETRY_SECONDS) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: `first` seconds, doubling, at most an hour."""
    return timedelta(seconds=min(LAST_RETRY_SECONDS, first * 2 ** max(0, attempts - 1)))


def due(db: Session, now: datetime, limit: int = 50) -> list[OutboxMessage]:
    """Messages whose next attempt has come, oldest first."""
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.next_attempt_at <= now)
                           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def delivered(db: Session, message_id: int) -> None:
    db.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


def failed(db: Session, message: OutboxMessage, error: str, now: datetime,
           first: float = FIRST_RETRY_SECONDS) -> None:
    attempts = message.attempts + 1
    db.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        attempts=attempts, last_error=error[:500], next_attempt_at=now + backoff(attempts, first)))


def waiting(db: Session) -> list[OutboxMessage]:
    """Every message not delivered yet, failing ones first: what the status page shows."""
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.attempts.desc(), OutboxMessage.id)))
