"""The managers' steps, without HTTP: approve (the duration or minutes asked, or fewer), decline, grant directly.

Each checks, writes, audits and tells in the caller's transaction; deciding is a conditional update of
a pending request (web/requests/steps.py), so of two managers deciding at once exactly one decision
(and at most one grant) is saved.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from policy.changes.overrides import Grant as PolicyGrant
from policy.engine.engine import Policy
from storage import audit
from storage.changes.access import AccessRequest, Grant
from web.notify.events import Event, Tell
from web.requests.extra import end_of_day
from web.requests.steps import (
    Actor,
    AlreadyDecided,
    NotYours,
    OutOfBounds,
    Refused,
    audit_request,
    decide_once,
    label_of,
    within_bounds,
)
from web.requests.teams import may_decide_for


def approve(db: Session, policy: Policy, actor: Actor, request_id: int, hours: int | None, note: str | None,
            moment: datetime, tell: Tell, minutes: int | None = None, most_minutes: int | None = None) -> Grant:
    """Approve for `hours` (None: as long as the person asked); the grant starts now. A request for more
    time is approved for `minutes` (None: as many as asked), at most `most_minutes`, until midnight."""
    asked = _decidable(db, policy, actor, request_id)
    if asked.minutes is not None:
        minutes = asked.minutes if minutes is None else minutes
        if most_minutes is not None and minutes > most_minutes:
            raise OutOfBounds(f"managers may add at most {most_minutes} minutes to a day")
        ends, hours = end_of_day(moment, policy.timezone), None
        try:
            policy.with_overrides(grants=[PolicyGrant(asked.user_name, asked.site, ends, moment, actor.name,
                                                      minutes)])
        except ValueError as exc:
            raise OutOfBounds(str(exc)) from exc
    else:
        hours, minutes = asked.hours if hours is None else hours, None
        ends = moment + timedelta(hours=hours)
        within_bounds(policy, asked.user_name, asked.site, hours, actor.name, moment)
    decide_once(db, asked, actor, "approved", note, moment)
    grant = Grant(user_name=asked.user_name, site=asked.site, starts_at=moment, granted_by=actor.name,
                  expires_at=ends, request_id=asked.id, minutes=minutes)
    db.add(grant)
    audit_request(db, actor, "request approved", asked, before={"status": "pending"},
                  after={"status": "approved", "site": asked.site, "user": asked.user_name, "minutes": minutes,
                         "until": grant.expires_at.isoformat(), "note": note})
    tell(db, Event("request.approved", asked.user_name, asked.site, label_of(policy, asked.site),
                   (asked.user_name,), f"/me/#request-{asked.id}", policy.timezone, by=actor.name, note=note,
                   until=grant.expires_at, hours=hours, minutes=minutes, request_id=asked.id))
    return grant


def decline(db: Session, policy: Policy, actor: Actor, request_id: int, note: str | None, moment: datetime,
            tell: Tell) -> AccessRequest:
    asked = _decidable(db, policy, actor, request_id)
    decide_once(db, asked, actor, "declined", note, moment)
    audit_request(db, actor, "request declined", asked, before={"status": "pending"},
                  after={"status": "declined", "note": note})
    tell(db, Event("request.declined", asked.user_name, asked.site, label_of(policy, asked.site),
                   (asked.user_name,), f"/me/#request-{asked.id}", policy.timezone, by=actor.name, note=note,
                   request_id=asked.id))
    return asked


def grant_directly(db: Session, policy: Policy, actor: Actor, person: str, site: str, hours: int,
                   note: str | None, moment: datetime, tell: Tell) -> Grant:
    if not may_decide_for(policy, actor, person):
        raise NotYours(f"{person} is not in a group you manage.")
    within_bounds(policy, person, site, hours, actor.name, moment)
    given = Grant(user_name=person, site=site, starts_at=moment, granted_by=actor.name,
                  expires_at=moment + timedelta(hours=hours))
    db.add(given)
    audit.record(db, actor=actor.name, action="access granted", target=f"grant:{person}/{site}",
                 after={"until": given.expires_at.isoformat(), "note": note}, source=actor.source)
    tell(db, Event("grant.given", person, site, label_of(policy, site), (person,), "/me/", policy.timezone,
                   by=actor.name, note=note, until=given.expires_at, hours=hours))
    return given


def _decidable(db: Session, policy: Policy, actor: Actor, request_id: int) -> AccessRequest:
    asked = db.get(AccessRequest, request_id)
    if asked is None or not may_decide_for(policy, actor, asked.user_name):
        raise NotYours(f"{actor.name} does not manage a group of the person who asked")
    if asked.user_name == actor.name:
        raise Refused("You cannot decide your own request: another manager of your group or an admin must.")
    if asked.status != "pending":
        raise AlreadyDecided(asked)
    return asked
