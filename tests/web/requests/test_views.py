"""Ask for access, a manager of the person's team decides, the grant opens the site and ends by itself."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.access import AccessRequest, Grant
from storage.audit import AuditRecord
from tests.web.conftest import THURSDAY_10, AuthActions, csrf_token, post_form
from web.db import db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _ask(client, site="facebook", reason="Posting our job ads this week", hours="8"):
    return post_form(client, f"/requests/new?site={site}", {"site": site, "reason": reason, "hours": hours},
                     action="/requests/new")


def _request_id(app) -> int:
    with app.app_context():
        return db().scalars(select(AccessRequest.id)).one()


def _decide(client, request_id: int, button: str, hours: str = "4", note: str = ""):
    token = csrf_token(client.get("/requests/").get_data(as_text=True))
    prefix = f"r{request_id}-"
    return client.post(f"/requests/{request_id}", data={"csrf_token": token, f"{prefix}hours": hours,
                                                        f"{prefix}note": note, f"{prefix}{button}": "y"})


def _audit(app) -> list[tuple]:
    with app.app_context():
        return [(r.actor, r.action, r.target) for r in db().scalars(select(AuditRecord).order_by(AuditRecord.id))]


def test_the_block_pages_link_opens_the_form_with_the_site_chosen(client, auth):
    auth.login("erin")
    page = client.get("/requests/new?site=facebook").get_data(as_text=True)
    assert '<option selected value="facebook">Facebook</option>' in page
    assert "Your request goes to carol, who manages your team." in _text(client.get("/requests/new"))
    assert "Company forum" not in page  # the community needs no request


def test_an_approved_request_opens_the_site_and_the_person_sees_it(app, client, auth):
    auth.login("erin")
    app.config["CLOCK"] = lambda: THURSDAY_10 + timedelta(hours=5)  # 15:00
    sent = _ask(client)
    assert sent.status_code == 302
    assert "Request sent to carol." in _text(client.get("/me/"))
    assert "Facebook Pending" in _text(client.get("/me/"))

    carol = app.test_client()
    AuthActions(carol).login("carol")
    inbox = _text(carol.get("/requests/"))
    assert "erin asks for Facebook for 8 h" in inbox and "Posting our job ads this week" in inbox
    assert _decide(carol, _request_id(app), "approve", hours="4", note="Good luck").status_code == 302

    page = _text(client.get("/me/"))
    assert "Facebook Approved" in page and "Open to you until Thu 26 Nov 19:00." in page
    assert "Approved by carol: “Good luck”" in page
    assert "Facebook Open until today at 19:00" in page  # the effective policy honours the grant
    assert ("carol", "request approved", f"request:{_request_id(app)}") in _audit(app)


def test_a_grant_ends_by_itself(app, client, auth):
    auth.login("carol")
    assert post_form(client, "/requests/", {"user": "erin", "site": "youtube", "hours": "1", "note": "demo"},
                     action="/requests/grant").status_code == 302
    erin = app.test_client()
    AuthActions(erin).login("erin")
    assert "YouTube Open until today at 11:00" in _text(erin.get("/me/"))
    app.config["CLOCK"] = lambda: THURSDAY_10 + timedelta(hours=1, minutes=1)
    assert "YouTube Asks first" in _text(erin.get("/me/"))


def test_a_declined_request_shows_the_note(app, client, auth):
    auth.login("erin")
    _ask(client)
    carol = app.test_client()
    AuthActions(carol).login("carol")
    _decide(carol, _request_id(app), "decline", note="Not this week")
    page = _text(client.get("/me/"))
    assert "Facebook Declined" in page and "Declined by carol: “Not this week”" in page
    with app.app_context():
        assert db().scalars(select(Grant)).all() == []


def test_another_teams_manager_is_refused_and_recorded(app, client, auth):
    AuthActions(client).login("erin")
    _ask(client)
    grace = app.test_client()
    AuthActions(grace).login("grace")
    assert "erin asks" not in _text(grace.get("/requests/"))  # not in her inbox
    # Another team's request answers like one that does not exist: ids reveal nothing.
    refused, missing = _decide(grace, _request_id(app), "approve"), _decide(grace, 2**62, "approve")
    assert refused.status_code == missing.status_code == 404
    assert refused.get_data() == missing.get_data()
    refused = post_form(grace, "/requests/", {"user": "erin", "site": "facebook", "hours": "8"},
                        action="/requests/grant")
    assert refused.status_code == 403
    with app.app_context():
        assert db().scalars(select(AccessRequest.status)).one() == "pending"
        assert db().scalars(select(Grant)).all() == []
    assert ("grace", "refused", f"request:{_request_id(app)}") in _audit(app)
    assert ("grace", "refused", "grant:erin/facebook") in _audit(app)


def test_employees_cannot_decide(app, client, auth):
    auth.login("erin")
    _ask(client)
    assert client.get("/requests/").status_code == 403
    token = csrf_token(client.get("/me/").get_data(as_text=True))
    assert client.post(f"/requests/{_request_id(app)}", data={"csrf_token": token}).status_code == 403


def test_a_request_is_decided_once(app, client, auth):
    AuthActions(client).login("erin")
    _ask(client)
    carol, ada = app.test_client(), app.test_client()
    AuthActions(carol).login("carol")
    AuthActions(ada).login("ada")
    _decide(carol, _request_id(app), "decline")
    _decide(ada, _request_id(app), "approve")  # admins may decide too, but this one is taken
    with app.app_context():
        assert db().scalars(select(AccessRequest.status)).one() == "declined"


def test_durations_outside_one_hour_to_thirty_days_are_refused(app, client, auth):
    auth.login("carol")
    response = post_form(client, "/requests/", {"user": "erin", "site": "facebook", "hours": "1000"},
                         action="/requests/grant")
    assert response.status_code == 302
    assert "duration from 1 hour to 30 days" in _text(client.get("/requests/"))
    with app.app_context():
        assert db().scalars(select(Grant)).all() == []


def test_a_request_needs_a_reason(client, auth):
    auth.login("erin")
    response = _ask(client, reason="")
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)
