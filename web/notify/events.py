"""What happened to a request or grant, and who is told: what every channel makes its message from."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol

from sqlalchemy.orm import Session

# kind → the sentence every channel starts with (the person's name and the site filled in)
HEADLINES = {
    "request.created": "{person} asks for {label}",
    "request.approved": "Your request for {label} is approved",
    "request.declined": "Your request for {label} is declined",
    "request.expired": "Your request for {label} expired undecided",
    "grant.given": "You may use {label} for a while",
    "grant.ending": "Your access to {label} ends soon",
    "grant.ended": "Your access to {label} was ended",
}


@dataclass(frozen=True)
class Event:
    kind: str                       # a key of HEADLINES
    person: str                     # whose request or grant it is
    site: str
    label: str                      # the site's name as people know it
    to: tuple[str, ...]             # account names told
    path: str                       # the panel page a message links to
    zone: tzinfo                    # times are shown in the policy's zone
    by: str | None = None           # who decided, granted or ended
    note: str | None = None         # the decider's note
    reason: str | None = None       # the person's reason: only ever sent to the deciders of a new request
    until: datetime | None = None   # when a grant ends
    hours: int | None = None        # how long was asked or granted
    minutes: int | None = None      # extra budget minutes asked or granted
    request_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def headline(self) -> str:
        return HEADLINES[self.kind].format(person=self.person, label=self.label)


class Tell(Protocol):
    """Where steps send events; the notifier writes them to the outbox in the step's own transaction."""

    def __call__(self, db: Session, event: Event) -> None: ...


def tell_nobody(db: Session, event: Event) -> None:
    """For callers that want no messages (and tests of the steps alone)."""
