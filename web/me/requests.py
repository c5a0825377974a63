"""The person's own access requests, newest first, with the outcome and how long a grant runs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.changes.access import AccessRequest, Grant

SHOWN = 10


@dataclass(frozen=True)
class MyRequest:
    id: int
    site: str
    label: str
    status: str                 # pending | approved | declined | withdrawn | expired
    asked_at: datetime
    decided_by: str | None
    note: str | None
    until: datetime | None      # when the grant of an approved request ends
    minutes: int | None = None  # more budget minutes today, rather than the site


def my_requests(db: Session, user: str, labels: dict[str, str]) -> list[MyRequest]:
    rows = db.execute(
        select(AccessRequest, Grant.expires_at).outerjoin(Grant, Grant.request_id == AccessRequest.id)
        .where(AccessRequest.user_name == user).order_by(AccessRequest.created_at.desc()).limit(SHOWN))
    return [MyRequest(asked.id, asked.site, labels.get(asked.site, asked.site), asked.status, asked.created_at,
                      asked.decided_by, asked.note, until, asked.minutes) for asked, until in rows]
