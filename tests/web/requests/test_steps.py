"""The steps of a request without HTTP: ask, approve (as asked, shorter, within the rules), decline,
withdraw, grant directly; each audited, each telling the right people and nobody else."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.access import AccessRequest, Grant
from storage.audit import AuditRecord
from tests.web.conftest import THURSDAY_10
from web.requests.steps import (
    Actor,
    AlreadyDecided,
    NotYours,
    OutOfBounds,
    Refused,
    approve,
    ask,
    decline,
    grant_directly,
    withdraw,
)

NOW = THURSDAY_10
ERIN, CAROL, GRACE = Actor("erin", "employee"), Actor("carol", "manager"), Actor("grace", "manager")


class Told(list):
    def __call__(self, db, event) -> None:
        self.append(event)


def _actions(session) -> list[tuple]:
    return [(r.actor, r.action, r.target) for r in session.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_a_request_goes_to_the_managers_of_the_persons_groups_with_the_reason(session, policy):
    told = Told()
    asked = ask(session, policy, ERIN, "facebook", " Job ads ", 4, NOW, told)
    session.commit()
    assert (asked.status, asked.hours, asked.reason) == ("pending", 4, "Job ads")
    [event] = told
    assert (event.kind, event.to, event.reason, event.path) == ("request.created", ("carol",), "Job ads", "/requests/")
    assert ("erin", "access requested", f"request:{asked.id}") in _actions(session)


def test_nobody_manages_dave_so_the_admins_are_told(session, policy):
    told = Told()
    ask(session, policy, Actor("dave", "employee"), "facebook", "Job ads", 1, NOW, told)
    assert told[0].to == ("ada",)


def test_asking_beyond_the_rules_is_refused(session, policy):
    with pytest.raises(Refused, match="at most 8 hours"):
        ask(session, policy, ERIN, "facebook", "Job ads", 24, NOW, Told())


def test_approving_defaults_to_what_was_asked_and_tells_only_the_person(session, policy):
    asked = ask(session, policy, ERIN, "facebook", "Job ads", 4, NOW, Told())
    told = Told()
    grant = approve(session, policy, CAROL, asked.id, None, "Good luck", NOW, told)
    session.commit()
    assert grant.expires_at == NOW + timedelta(hours=4) and grant.request_id == asked.id
    assert session.get(AccessRequest, asked.id).status == "approved"
    [event] = told
    assert (event.kind, event.to, event.note, event.reason) == ("request.approved", ("erin",), "Good luck", None)
    assert ("carol", "request approved", f"request:{asked.id}") in _actions(session)


def test_a_manager_may_shorten_but_not_go_past_the_rules(session, policy):
    asked = ask(session, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(OutOfBounds, match="at most 8 hours"):
        approve(session, policy, CAROL, asked.id, 24, None, NOW, Told())
    grant = approve(session, policy, CAROL, asked.id, 1, None, NOW, Told())
    assert grant.expires_at == NOW + timedelta(hours=1)


def test_declining_keeps_the_note_and_grants_nothing(session, policy):
    asked = ask(session, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    told = Told()
    decline(session, policy, CAROL, asked.id, "Not this week", NOW, told)
    session.commit()
    row = session.get(AccessRequest, asked.id)
    assert (row.status, row.note, row.decided_by) == ("declined", "Not this week", "carol")
    assert session.scalars(select(Grant)).all() == [] and told[0].kind == "request.declined"
    with pytest.raises(AlreadyDecided, match="already declined by carol"):
        approve(session, policy, Actor("ada", "admin"), asked.id, None, None, NOW, Told())


def test_another_teams_manager_may_not_decide(session, policy):
    asked = ask(session, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(NotYours):
        approve(session, policy, GRACE, asked.id, None, None, NOW, Told())
    with pytest.raises(NotYours):
        decline(session, policy, GRACE, 2**30, None, NOW, Told())


def test_the_person_withdraws_their_own_pending_request_only(session, policy):
    asked = ask(session, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(NotYours):
        withdraw(session, Actor("frank", "employee"), asked.id, NOW)
    withdraw(session, ERIN, asked.id, NOW)
    session.commit()
    assert session.get(AccessRequest, asked.id).status == "withdrawn"
    assert ("erin", "request withdrawn", f"request:{asked.id}") in _actions(session)
    with pytest.raises(Refused, match="already withdrawn"):
        withdraw(session, ERIN, asked.id, NOW)
    with pytest.raises(AlreadyDecided):
        approve(session, policy, CAROL, asked.id, None, None, NOW, Told())


def test_granting_without_a_request_tells_the_person(session, policy):
    told = Told()
    grant_directly(session, policy, CAROL, "erin", "youtube", 24, "Video campaign", NOW, told)
    session.commit()
    assert session.scalars(select(Grant.user_name)).all() == ["erin"]
    assert (told[0].kind, told[0].to) == ("grant.given", ("erin",))
    with pytest.raises(NotYours):
        grant_directly(session, policy, CAROL, "frank", "youtube", 1, None, NOW, Told())
