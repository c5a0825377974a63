"""Grants ended early, requests that expire undecided, and the word before a grant ends: each once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.access import AccessRequest, Grant
from tests.web.requests.test_steps import CAROL, ERIN, GRACE, NOW, Told
from web.requests.decisions import grant_directly
from web.requests.lifecycle import end_grant, expire_overdue, remind_ending
from web.requests.steps import NotYours, Refused, ask

THREE_DAYS = timedelta(days=3)


def test_a_manager_ends_a_grant_early_and_the_person_is_told(session, policy):
    given = grant_directly(session, policy, CAROL, "erin", "youtube", 24, None, NOW, Told())
    session.commit()
    with pytest.raises(NotYours):
        end_grant(session, policy, GRACE, given.id, NOW, Told())
    told = Told()
    end_grant(session, policy, CAROL, given.id, NOW + timedelta(hours=1), told)
    session.commit()
    row = session.get(Grant, given.id)
    assert (row.expires_at, row.ended_by) == (NOW + timedelta(hours=1), "carol")
    assert (told[0].kind, told[0].to) == ("grant.ended", ("erin",))
    ended = session.scalars(select(AuditRecord.actor).where(AuditRecord.action == "grant ended")).all()
    assert ended == ["carol"]
    with pytest.raises(Refused, match="already ended"):
        end_grant(session, policy, CAROL, given.id, NOW + timedelta(hours=2), Told())


def test_requests_expire_after_the_set_time_and_the_person_is_told_once(session, policy):
    old = ask(session, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    fresh = ask(session, policy, ERIN, "youtube", "Campaign", 8, NOW + timedelta(days=2), Told())
    session.commit()
    told = Told()
    assert expire_overdue(session, policy, NOW + THREE_DAYS, THREE_DAYS, told) == 1
    session.commit()
    assert session.get(AccessRequest, old.id).status == "expired"
    assert session.get(AccessRequest, fresh.id).status == "pending"
    assert [(event.kind, event.to) for event in told] == [("request.expired", ("erin",))]
    assert expire_overdue(session, policy, NOW + THREE_DAYS, THREE_DAYS, told) == 0


def test_people_hear_once_shortly_before_a_grant_ends(session, policy):
    grant_directly(session, policy, CAROL, "erin", "youtube", 4, None, NOW, Told())
    session.commit()
    told, ahead = Told(), timedelta(minutes=15)
    assert remind_ending(session, policy, NOW + timedelta(hours=3), ahead, told) == 0           # not yet
    assert remind_ending(session, policy, NOW + timedelta(hours=3, minutes=50), ahead, told) == 1
    session.commit()
    assert remind_ending(session, policy, NOW + timedelta(hours=3, minutes=55), ahead, told) == 0
    assert [(event.kind, event.to) for event in told] == [("grant.ending", ("erin",))]
