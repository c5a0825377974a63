"""The steps of a request without HTTP: ask, approve (as asked, shorter, within the rules), decline,
withdraw, grant directly; each audited, each telling the right people and nobody else."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.access import AccessRequest
from tests.web.conftest import THURSDAY_10
from web.requests.decisions import approve
from web.requests.steps import Actor, AlreadyDecided, NotYours, Refused, ask, ask_more, withdraw

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
    assert (event.kind, event.to, event.reason) == ("request.created", ("carol",), "Job ads")
    assert event.path == f"/requests/#request-{asked.id}"
    assert ("erin", "access requested", f"request:{asked.id}") in _actions(session)


def test_nobody_manages_dave_so_the_admins_are_told(session, policy):
    told = Told()
    ask(session, policy, Actor("dave", "employee"), "facebook", "Job ads", 1, NOW, told)
    assert told[0].to == ("ada",)


def test_asking_beyond_the_rules_is_refused(session, policy):
    with pytest.raises(Refused, match="at most 8 hours"):
        ask(session, policy, ERIN, "facebook", "Job ads", 24, NOW, Told())


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


def test_more_time_is_one_request_at_a_time_without_a_reason(session, policy):
    told = Told()
    asked = ask_more(session, policy, ERIN, "facebook", 15, NOW, told)
    assert (asked.minutes, asked.reason, told[0].minutes, told[0].to) == (15, "", 15, ("carol",))
    with pytest.raises(Refused, match="already asked for more time"):
        ask_more(session, policy, ERIN, "facebook", 60, NOW, Told())
    with pytest.raises(Refused, match="linkedin-read-only"):
        ask_more(session, policy, ERIN, "linkedin", 15, NOW, Told())
