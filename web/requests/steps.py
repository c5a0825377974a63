"""The person's steps, without HTTP: ask for access, ask for more time today, withdraw; and what every
step shares: who acts, the refusals, who decides for whom, the once-only decision (web/requests/decisions.py
has the managers' steps, web/requests/lifecycle.py those over time).

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

from policy.changes.overrides import Grant as PolicyGrant
from policy.engine.engine import Policy
from storage import audit
from storage.changes.access import AccessRequest
from storage.db import changed_rows
from storage.sign_in.accounts import User
from web.notify.events import Event, Tell
from web.requests.teams import deciders_of


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
    bound = bound_hours(policy, actor.name, site)
    if hours > bound:
        raise Refused(f"The rules allow at most {bound} hours for this site.")
    asked = AccessRequest(user_name=actor.name, site=site, reason=reason.strip(), hours=hours,
                          status="pending", created_at=moment)
    db.add(asked)
    db.flush()
    audit_request(db, actor, "access requested", asked, after={"site": site, "hours": hours, "reason": asked.reason})
    tell(db, Event("request.created", actor.name, site, label_of(policy, site), recipients_of(db, policy, actor.name),
                   f"/requests/#request-{asked.id}", policy.timezone, reason=asked.reason, hours=hours,
                   request_id=asked.id))
    return asked


def ask_more(db: Session, policy: Policy, actor: Actor, site: str, minutes: int, moment: datetime,
             tell: Tell) -> AccessRequest:
    """More budget minutes today for `site` (one tap: no reason asked); one such request waits at a time."""
    bound_hours(policy, actor.name, site)     # the rules let managers grant the site to this person
    waiting = db.scalar(select(AccessRequest.id).where(
        AccessRequest.user_name == actor.name, AccessRequest.site == site, AccessRequest.status == "pending",
        AccessRequest.minutes.is_not(None)))
    if waiting is not None:
        raise Refused("You already asked for more time for this site; it waits for a manager.")
    asked = AccessRequest(user_name=actor.name, site=site, reason="", hours=0, minutes=minutes,
                          status="pending", created_at=moment)
    db.add(asked)
    db.flush()
    audit_request(db, actor, "access requested", asked, after={"site": site, "minutes": minutes})
    tell(db, Event("request.created", actor.name, site, label_of(policy, site), recipients_of(db, policy, actor.name),
                   f"/requests/#request-{asked.id}", policy.timezone, minutes=minutes, request_id=asked.id))
    return asked


def withdraw(db: Session, actor: Actor, request_id: int, moment: datetime) -> AccessRequest:
    """The person takes back their own pending request (another's answers as if it did not exist)."""
    asked = db.get(AccessRequest, request_id)
    if asked is None or asked.user_name != actor.name:
        raise NotYours("There is no such request of yours.")
    if asked.status != "pending":
        raise Refused(f"This request was already {asked.status}; nothing was changed.")
    decide_once(db, asked, actor, "withdrawn", None, moment)
    audit_request(db, actor, "request withdrawn", asked, before={"status": "pending"}, after={"status": "withdrawn"})
    return asked


class AlreadyDecided(Refused):
    def __init__(self, asked: AccessRequest) -> None:
        super().__init__(f"This request was already {asked.status} by {asked.decided_by}; nothing was changed.")


def decide_once(db: Session, asked: AccessRequest, actor: Actor, status: str, note: str | None,
            moment: datetime) -> None:
    changed = changed_rows(db.execute(
        update(AccessRequest).where(AccessRequest.id == asked.id, AccessRequest.status == "pending")
        .values(status=status, decided_by=actor.name, decided_at=moment, note=note or None)
        .execution_options(synchronize_session=False)))
    if changed != 1:  # another manager decided it since it was read
        db.rollback()
        db.expire_all()
        raise AlreadyDecided(db.get(AccessRequest, asked.id) or asked)
    db.expire(asked)


def bound_hours(policy: Policy, person: str, site: str) -> int:
    try:
        return policy.grant_bound(person, site)[1].hours
    except ValueError as exc:
        raise Refused(f"{exc}.") from exc


def audit_request(db: Session, actor: Actor, action: str, asked: AccessRequest, before=None, after=None) -> None:
    audit.record(db, actor=actor.name, action=action, target=f"request:{asked.id}", before=before,
                 after=after, source=actor.source)
