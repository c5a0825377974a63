"""The steps of a request without HTTP: ask, approve (as asked, shorter, within the rules), decline,
withdraw, grant directly; each audited, each telling the right people and nobody else."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from policy.engine import Policy
from policy.loader import load_doc
from storage.access import AccessRequest, Grant
from storage.accounts import User
from storage.audit import AuditRecord
from tests.support.databases import db_url, migrated_session, pg_database, usage_engine  # noqa: F401
from tests.web.conftest import RULES, THURSDAY_10
from web.requests.steps import (Actor, AlreadyDecided, NotYours, OutOfBounds, Refused, approve, ask, decline,
                                grant_directly, withdraw)

NOW = THURSDAY_10
ERIN, CAROL, GRACE = Actor("erin", "employee"), Actor("carol", "manager"), Actor("grace", "manager")


class Told(list):
    def __call__(self, db, event) -> None:
        self.append(event)


@pytest.fixture
def policy() -> Policy:
    return Policy.from_doc(load_doc(RULES))


@pytest.fixture
def db(migrated_session):
    migrated_session.add(User(name="ada", role="admin", password_hash="x", session_generation=1, active=True))
    migrated_session.commit()
    return migrated_session


def _actions(db) -> list[tuple]:
    return [(r.actor, r.action, r.target) for r in db.scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_a_request_goes_to_the_managers_of_the_persons_groups_with_the_reason(db, policy):
    told = Told()
    asked = ask(db, policy, ERIN, "facebook", " Job ads ", 4, NOW, told)
    db.commit()
    assert (asked.status, asked.hours, asked.reason) == ("pending", 4, "Job ads")
    [event] = told
    assert (event.kind, event.to, event.reason, event.path) == ("request.created", ("carol",), "Job ads", "/requests/")
    assert ("erin", "access requested", f"request:{asked.id}") in _actions(db)


def test_nobody_manages_dave_so_the_admins_are_told(db, policy):
    told = Told()
    ask(db, policy, Actor("dave", "employee"), "facebook", "Job ads", 1, NOW, told)
    assert told[0].to == ("ada",)


def test_asking_beyond_the_rules_is_refused(db, policy):
    with pytest.raises(Refused, match="at most 8 hours"):
        ask(db, policy, ERIN, "facebook", "Job ads", 24, NOW, Told())


def test_approving_defaults_to_what_was_asked_and_tells_only_the_person(db, policy):
    asked = ask(db, policy, ERIN, "facebook", "Job ads", 4, NOW, Told())
    told = Told()
    grant = approve(db, policy, CAROL, asked.id, None, "Good luck", NOW, told)
    db.commit()
    assert grant.expires_at == NOW + timedelta(hours=4) and grant.request_id == asked.id
    assert db.get(AccessRequest, asked.id).status == "approved"
    [event] = told
    assert (event.kind, event.to, event.note, event.reason) == ("request.approved", ("erin",), "Good luck", None)
    assert ("carol", "request approved", f"request:{asked.id}") in _actions(db)


def test_a_manager_may_shorten_but_not_go_past_the_rules(db, policy):
    asked = ask(db, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(OutOfBounds, match="at most 8 hours"):
        approve(db, policy, CAROL, asked.id, 24, None, NOW, Told())
    grant = approve(db, policy, CAROL, asked.id, 1, None, NOW, Told())
    assert grant.expires_at == NOW + timedelta(hours=1)


def test_declining_keeps_the_note_and_grants_nothing(db, policy):
    asked = ask(db, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    told = Told()
    decline(db, policy, CAROL, asked.id, "Not this week", NOW, told)
    db.commit()
    row = db.get(AccessRequest, asked.id)
    assert (row.status, row.note, row.decided_by) == ("declined", "Not this week", "carol")
    assert db.scalars(select(Grant)).all() == [] and told[0].kind == "request.declined"
    with pytest.raises(AlreadyDecided, match="already declined by carol"):
        approve(db, policy, Actor("ada", "admin"), asked.id, None, None, NOW, Told())


def test_another_teams_manager_may_not_decide(db, policy):
    asked = ask(db, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(NotYours):
        approve(db, policy, GRACE, asked.id, None, None, NOW, Told())
    with pytest.raises(NotYours):
        decline(db, policy, GRACE, 2**30, None, NOW, Told())


def test_the_person_withdraws_their_own_pending_request_only(db, policy):
    asked = ask(db, policy, ERIN, "facebook", "Job ads", 8, NOW, Told())
    with pytest.raises(NotYours):
        withdraw(db, Actor("frank", "employee"), asked.id, NOW)
    withdraw(db, ERIN, asked.id, NOW)
    db.commit()
    assert db.get(AccessRequest, asked.id).status == "withdrawn"
    assert ("erin", "request withdrawn", f"request:{asked.id}") in _actions(db)
    with pytest.raises(Refused, match="already withdrawn"):
        withdraw(db, ERIN, asked.id, NOW)
    with pytest.raises(AlreadyDecided):
        approve(db, policy, CAROL, asked.id, None, None, NOW, Told())


def test_granting_without_a_request_tells_the_person(db, policy):
    told = Told()
    grant_directly(db, policy, CAROL, "erin", "youtube", 24, "Video campaign", NOW, told)
    db.commit()
    assert db.scalars(select(Grant.user_name)).all() == ["erin"]
    assert (told[0].kind, told[0].to) == ("grant.given", ("erin",))
    with pytest.raises(NotYours):
        grant_directly(db, policy, CAROL, "frank", "youtube", 1, None, NOW, Told())
