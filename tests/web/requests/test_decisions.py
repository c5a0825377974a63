"""The managers' steps without HTTP: approve as asked or shorter (more time: the minutes asked, at most the
setting, until midnight), decline with a note, grant directly; each audited and telling only the person."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.changes.access import AccessRequest, Grant
from tests.web.requests.test_steps import CAROL, ERIN, GRACE, NOW, Told, _actions
from web.requests.decisions import approve, decline, grant_directly
from web.requests.steps import Actor, AlreadyDecided, NotYours, OutOfBounds, ask, ask_more


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


def test_granting_without_a_request_tells_the_person(session, policy):
    told = Told()
    grant_directly(session, policy, CAROL, "erin", "youtube", 24, "Video campaign", NOW, told)
    session.commit()
    assert session.scalars(select(Grant.user_name)).all() == ["erin"]
    assert (told[0].kind, told[0].to) == ("grant.given", ("erin",))
    with pytest.raises(NotYours):
        grant_directly(session, policy, CAROL, "frank", "youtube", 1, None, NOW, Told())


def test_more_time_is_approved_in_minutes_until_midnight_at_most_the_setting(session, policy):
    asked = ask_more(session, policy, ERIN, "facebook", 60, NOW, Told())
    with pytest.raises(OutOfBounds, match="at most 30 minutes"):
        approve(session, policy, CAROL, asked.id, None, None, NOW, Told(), minutes=60, most_minutes=30)
    told = Told()
    grant = approve(session, policy, CAROL, asked.id, None, None, NOW, told, minutes=15, most_minutes=30)
    session.commit()
    assert (grant.minutes, grant.expires_at) == (15, NOW.replace(hour=0) + timedelta(days=1))
    assert (told[0].kind, told[0].minutes) == ("request.approved", 15)
