"""Through the panel: the decision form offers what was asked, a grant picks a person from the manager's
teams (an unknown name is an error at the field), a running grant can be ended, a request withdrawn."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.access import AccessRequest, Grant
from tests.web.conftest import AuthActions, csrf_token, post_form
from tests.web.requests.test_views import _ask, _request_id, _text
from web.clock import now
from web.db import db


def test_the_decision_defaults_to_the_duration_asked(app, client, auth):
    auth.login("erin")
    _ask(client, hours="4")
    carol = app.test_client()
    AuthActions(carol).login("carol")
    inbox = carol.get("/requests/").get_data(as_text=True)
    assert re.search(r'<option selected value="4">4 hours</option>', inbox)


def test_the_grant_form_lists_only_the_managers_people(app, client, auth):
    auth.login("carol")
    inbox = client.get("/requests/").get_data(as_text=True)
    picker = inbox[inbox.index('id="user"'):inbox.index("</select>", inbox.index('id="user"'))]
    assert '<option value="erin">erin</option>' in picker and '<option value="bob">bob</option>' in picker
    assert "frank" not in picker and "carol" not in picker
    refused = post_form(client, "/requests/", {"user": "nobody.known", "site": "youtube", "hours": "1"},
                        action="/requests/grant")
    assert refused.status_code == 400
    assert "nobody.known is not in a group you manage: choose someone from your teams." in _text(refused)


def test_a_manager_ends_a_running_grant_and_the_person_sees_it_closed_again(app, client, auth):
    auth.login("carol")
    post_form(client, "/requests/", {"user": "erin", "site": "youtube", "hours": "24"}, action="/requests/grant")
    inbox = client.get("/requests/").get_data(as_text=True)
    assert "Running grants" in _text(client.get("/requests/"))
    with app.app_context():
        grant_id = db().scalars(select(Grant.id)).one()
    ended = client.post(f"/requests/grants/{grant_id}/end", data={"csrf_token": csrf_token(inbox)})
    assert ended.status_code == 302
    assert "Ended: erin no longer has YouTube beyond the rules." in _text(client.get("/requests/"))
    erin = app.test_client()
    AuthActions(erin).login("erin")
    assert "YouTube Asks first" in _text(erin.get("/me/"))
    with app.app_context():
        assert db().get(Grant, grant_id).expires_at == now()


def test_the_person_withdraws_a_pending_request_from_their_page(app, client, auth):
    auth.login("erin")
    _ask(client)
    page = client.get("/me/").get_data(as_text=True)
    assert "Withdraw" in page
    withdrawn = client.post(f"/requests/{_request_id(app)}/withdraw", data={"csrf_token": csrf_token(page)})
    assert withdrawn.status_code == 302
    text = _text(client.get("/me/"))
    assert "Your request is withdrawn." in text and "Facebook Withdrawn" in text
    with app.app_context():
        assert db().scalars(select(AccessRequest.status)).one() == "withdrawn"
    frank = app.test_client()
    AuthActions(frank).login("frank")
    token = csrf_token(frank.get("/me/").get_data(as_text=True))
    assert frank.post(f"/requests/{_request_id(app)}/withdraw", data={"csrf_token": token}).status_code == 404


def test_another_teams_grant_answers_like_one_that_does_not_exist_and_keeps_running(app, client, auth):
    auth.login("carol")
    post_form(client, "/requests/", {"user": "erin", "site": "youtube", "hours": "24"}, action="/requests/grant")
    with app.app_context():
        grant_id, until = db().execute(select(Grant.id, Grant.expires_at)).one()
    grace = app.test_client()
    AuthActions(grace).login("grace")
    token = csrf_token(grace.get("/requests/").get_data(as_text=True))
    theirs = grace.post(f"/requests/grants/{grant_id}/end", data={"csrf_token": token})
    missing = grace.post(f"/requests/grants/{grant_id + 1000}/end", data={"csrf_token": token})
    assert theirs.status_code == missing.status_code == 404
    assert _text(theirs) == _text(missing)
    with app.app_context():
        assert db().get(Grant, grant_id).expires_at == until
        refused = db().scalars(select(AuditRecord.target).where(AuditRecord.action == "refused")).all()
    assert refused == [f"grant:{grant_id}", f"grant:{grant_id + 1000}"]   # both tries on the record alike
    for group in ("marketing", "no-such-group"):           # a group's usage page: the same 403 either way
        assert grace.get(f"/team/usage?group={group}").status_code == 403
