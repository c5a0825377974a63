"""Steps over time: a manager ends a grant early; undecided requests expire; people hear a grant ends soon.

`expire_overdue` and `remind_ending` are run by the panel's background thread (web/notify/sender.py)
every few seconds; each is a conditional update, so several panels running them at once tell once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from policy.engine.engine import Policy
from storage import audit
from storage.changes.access import AccessRequest, Grant
from storage.db import changed_rows
from web.notify.events import Event, Tell
from web.requests.steps import Actor, NotYours, Refused, label_of
from web.requests.teams import may_decide_for


def end_grant(db: Session, policy: Policy, actor: Actor, grant_id: int, moment: datetime, tell: Tell) -> Grant:
    """End a running grant now; the proxies stop honouring it at their next read of the overrides."""
    grant = db.get(Grant, grant_id)
    if grant is None or not may_decide_for(policy, actor, grant.user_name):
        raise NotYours(f"{actor.name} does not manage a group of the person granted")
    if grant.expires_at <= moment:
        raise Refused("This grant has already ended; nothing was changed.")
    ended = changed_rows(db.execute(update(Grant).where(Grant.id == grant.id, Grant.expires_at > moment)
                       .values(expires_at=moment, ended_by=actor.name)
                       .execution_options(synchronize_session=False)))
    if ended != 1:
        db.rollback()
        raise Refused("This grant has already ended; nothing was changed.")
    before = grant.expires_at.isoformat()
    db.expire(grant)
    audit.record(db, actor=actor.name, action="grant ended", target=f"grant:{grant.user_name}/{grant.site}",
                 before={"until": before}, after={"until": moment.isoformat()}, source=actor.source)
    tell(db, Event("grant.ended", grant.user_name, grant.site, label_of(policy, grant.site), (grant.user_name,),
                   "/me/", policy.timezone, by=actor.name, until=moment))
    return grant


def expire_overdue(db: Session, policy: Policy, moment: datetime, after: timedelta, tell: Tell) -> int:
    """Requests pending for longer than `after` become expired, and their person is told."""
    overdue = list(db.scalars(select(AccessRequest).where(
        AccessRequest.status == "pending", AccessRequest.created_at <= moment - after)))
    expired = 0
    for asked in overdue:
        if changed_rows(db.execute(
                update(AccessRequest).where(AccessRequest.id == asked.id, AccessRequest.status == "pending")
                .values(status="expired", decided_at=moment)
                .execution_options(synchronize_session=False))) != 1:
            continue   # decided (or expired by another panel) meanwhile
        expired += 1
        audit.record(db, actor=None, action="request expired", target=f"request:{asked.id}",
                     before={"status": "pending"}, after={"status": "expired"})
        tell(db, Event("request.expired", asked.user_name, asked.site, label_of(policy, asked.site),
                       (asked.user_name,), f"/me/#request-{asked.id}", policy.timezone, hours=asked.hours,
                       minutes=asked.minutes, request_id=asked.id))
    return expired


def remind_ending(db: Session, policy: Policy, moment: datetime, ahead: timedelta, tell: Tell) -> int:
    """People whose grant ends within `ahead` are told once (a grant shorter than that is not)."""
    ending = list(db.scalars(select(Grant).where(
        Grant.ending_told_at.is_(None), Grant.expires_at > moment, Grant.expires_at <= moment + ahead,
        Grant.starts_at <= moment - ahead, Grant.minutes.is_(None))))
    told = 0
    for grant in ending:
        if changed_rows(db.execute(update(Grant).where(Grant.id == grant.id, Grant.ending_told_at.is_(None))
                      .values(ending_told_at=moment).execution_options(synchronize_session=False))) != 1:
            continue
        told += 1
        tell(db, Event("grant.ending", grant.user_name, grant.site, label_of(policy, grant.site),
                       (grant.user_name,), "/me/", policy.timezone, until=grant.expires_at))
    return told
