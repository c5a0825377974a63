"""The business steps of access requests, without HTTP: ask, approve, decline, withdraw, grant directly.

Each takes the database session, the policy, the account acting and the moment; it checks, writes,
audits and tells (through `tell`, into the same transaction), and leaves the commit to its caller.
A refusal is an exception with the sentence to show. Deciding is a conditional update of a pending
request, so of two managers deciding at once exactly one decision (and at most one grant) is saved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from policy.engine import Policy
from policy.overrides import Grant as PolicyGrant
from storage import audit
from storage.access import AccessRequest, Grant
from storage.accounts import User
from web.notify.events import Event, Tell
from web.requests.teams import deciders_of, may_decide_for


class Refused(Exception):
    """A step that cannot be taken; the message says why, in words for the person acting."""


class NotYours(Refused):
    """Another team's request or person: recorded as `refused`, and answered like something that does not exist."""


class OutOfBounds(Refused):
    """The rules do not let managers grant this (the message is the engine's, without a full stop)."""


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    source: str | None = None       # the client address, for the audit trail


def label_of(policy: Policy, site: str) -> str:
    found = policy.sites.get(site)
    return found.label if found else site


def recipients_of(db: Session, policy: Policy, person: str) -> tuple[str, ...]:
    """Who decides a request of `person`: the managers of their groups, else every active admin."""
    managers = [name for name in deciders_of(policy, person) if name != person]
    if managers:
        return tuple(managers)
    return tuple(db.scalars(select(User.name).where(User.role == "admin", User.active.is_(True),
                                                    User.name != person).order_by(User.name)))


def within_bounds(policy: Policy, person: str, site: str, hours: int, by: str, moment: datetime) -> None:
    """Refused, in the rules' words, unless the rules let `by` grant `site` to `person` this long."""
    try:
        policy.with_overrides(grants=[PolicyGrant(person, site, moment + timedelta(hours=hours), moment, by)])
    except ValueError as exc:
        raise OutOfBounds(str(exc)) from exc


def ask(db: Session, policy: Policy, actor: Actor, site: str, reason: str, hours: int, moment: datetime,
        tell: Tell) -> AccessRequest:
    bound = _bound(policy, actor.name, site)
    if hours > bound:
        raise Refused(f"The rules allow at most {bound} hours for this site.")
    asked = AccessRequest(user_name=actor.name, site=site, reason=reason.strip(), hours=hours,
                          status="pending", created_at=moment)
    db.add(asked)
    db.flush()
    _audit(db, actor, "access requested", asked, after={"site": site, "hours": hours, "reason": asked.reason})
    tell(db, Event("request.created", actor.name, site, label_of(policy, site),
                   recipients_of(db, policy, actor.name), "/requests/", policy.timezone, reason=asked.reason,
                   hours=hours, request_id=asked.id))
    return asked


def approve(db: Session, policy: Policy, actor: Actor, request_id: int, hours: int | None, note: str | None,
            moment: datetime, tell: Tell) -> Grant:
    """Approve for `hours` (None: as long as the person asked); the grant starts now."""
    asked = _decidable(db, policy, actor, request_id)
    hours = asked.hours if hours is None else hours
    within_bounds(policy, asked.user_name, asked.site, hours, actor.name, moment)
    _decide(db, asked, actor, "approved", note, moment)
    grant = Grant(user_name=asked.user_name, site=asked.site, starts_at=moment, granted_by=actor.name,
                  expires_at=moment + timedelta(hours=hours), request_id=asked.id)
    db.add(grant)
    _audit(db, actor, "request approved", asked, before={"status": "pending"},
           after={"status": "approved", "site": asked.site, "user": asked.user_name,
                  "until": grant.expires_at.isoformat(), "note": note})
    tell(db, Event("request.approved", asked.user_name, asked.site, label_of(policy, asked.site),
                   (asked.user_name,), "/me/", policy.timezone, by=actor.name, note=note,
                   until=grant.expires_at, hours=hours, request_id=asked.id))
    return grant


def decline(db: Session, policy: Policy, actor: Actor, request_id: int, note: str | None, moment: datetime,
            tell: Tell) -> AccessRequest:
    asked = _decidable(db, policy, actor, request_id)
    _decide(db, asked, actor, "declined", note, moment)
    _audit(db, actor, "request declined", asked, before={"status": "pending"},
           after={"status": "declined", "note": note})
    tell(db, Event("request.declined", asked.user_name, asked.site, label_of(policy, asked.site),
                   (asked.user_name,), "/me/", policy.timezone, by=actor.name, note=note, request_id=asked.id))
    return asked


def withdraw(db: Session, actor: Actor, request_id: int, moment: datetime) -> AccessRequest:
    """The person takes back their own pending request (another's answers as if it did not exist)."""
    asked = db.get(AccessRequest, request_id)
    if asked is None or asked.user_name != actor.name:
        raise NotYours("There is no such request of yours.")
    if asked.status != "pending":
        raise Refused(f"This request was already {asked.status}; nothing was changed.")
    _decide(db, asked, actor, "withdrawn", None, moment)
    _audit(db, actor, "request withdrawn", asked, before={"status": "pending"}, after={"status": "withdrawn"})
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


def _bound(policy: Policy, person: str, site: str) -> int:
    try:
        return policy.grant_bound(person, site)[1].hours
    except ValueError as exc:
        raise Refused(f"{exc}.") from exc


def _decidable(db: Session, policy: Policy, actor: Actor, request_id: int) -> AccessRequest:
    asked = db.get(AccessRequest, request_id)
    if asked is None or not may_decide_for(policy, actor, asked.user_name):
        raise NotYours(f"{actor.name} does not manage a group of the person who asked")
    if asked.user_name == actor.name:
        raise Refused("You cannot decide your own request: another manager of your group or an admin must.")
    if asked.status != "pending":
        raise AlreadyDecided(asked)
    return asked


class AlreadyDecided(Refused):
    def __init__(self, asked: AccessRequest) -> None:
        super().__init__(f"This request was already {asked.status} by {asked.decided_by}; nothing was changed.")


def _decide(db: Session, asked: AccessRequest, actor: Actor, status: str, note: str | None,
            moment: datetime) -> None:
    changed = db.execute(
        update(AccessRequest).where(AccessRequest.id == asked.id, AccessRequest.status == "pending")
        .values(status=status, decided_by=actor.name, decided_at=moment, note=note or None)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:  # another manager decided it since it was read
        db.rollback()
        db.expire_all()
        raise AlreadyDecided(db.get(AccessRequest, asked.id))
    db.expire(asked)


def _audit(db: Session, actor: Actor, action: str, asked: AccessRequest, before=None, after=None) -> None:
    audit.record(db, actor=actor.name, action=action, target=f"request:{asked.id}", before=before,
                 after=after, source=actor.source)
