"""Ask for access, a manager of the person's team decides, the grant opens the site and ends by itself."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from storage.audit import AuditRecord
from storage.changes.access import AccessRequest, Grant
from tests.support.databases import BACKENDS
from tests.support.live_panel import form_token, serve, signed_in
from tests.web.conftest import PASSWORD, RULES, THURSDAY_10, AuthActions, csrf_token, make_app, post_form
from web.db import db


def _text(response) -> str:
    """The words of a page (from the test client or from httpx against a served panel)."""
    html = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


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
    assert _text(refused) == _text(missing)
    refused = post_form(grace, "/requests/", {"user": "erin", "site": "facebook", "hours": "8"},
                        action="/requests/grant")
    assert refused.status_code == 400   # the form again, with the error at the person field
    assert "erin is not in a group you manage: choose someone from your teams." in _text(refused)
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
    assert response.status_code == 400
    assert "duration from 1 hour to 30 days" in _text(response)
    with app.app_context():
        assert db().scalars(select(Grant)).all() == []


def test_a_request_needs_a_reason(client, auth):
    auth.login("erin")
    response = _ask(client, reason="")
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)


def test_the_panel_offers_only_what_the_rules_let_managers_grant(client, auth):
    auth.login("carol")
    inbox = client.get("/requests/").get_data(as_text=True)
    grant_form = inbox[inbox.index('id="grant-heading"'):]
    assert 'value="facebook"' in grant_form and 'value="youtube"' in grant_form
    assert 'value="linkedin"' not in grant_form                     # its rule has no adjustable.grant
    assert '<option value="24">1 day</option>' in grant_form and 'value="72"' not in grant_form
    auth.logout()
    auth.login("erin")
    asking = client.get("/requests/new").get_data(as_text=True)
    assert 'value="facebook"' in asking and 'value="linkedin"' not in asking


@pytest.mark.parametrize("site, hours, refusal", [
    ("linkedin", "1", r"Not granted: rule linkedin-read-only \(policy.yaml:\d+\) does not let managers grant "
                      r"LinkedIn: it has no 'adjustable: \{grant: ...\}'\."),
    ("facebook", "720", r"Not granted: rule social-budget lets managers grant for at most 8 hours\."),
    ("facebook", "24", r"Not granted: rule social-budget lets managers grant for at most 8 hours\."),
])
def test_the_server_refuses_grants_outside_the_rules(app, client, auth, site, hours, refusal):
    auth.login("carol")
    response = post_form(client, "/requests/", {"user": "erin", "site": site, "hours": hours},
                         action="/requests/grant")
    assert response.status_code == 302
    assert re.search(refusal, _text(client.get("/requests/")))
    with app.app_context():
        assert db().scalars(select(Grant)).all() == []


def test_a_request_is_approved_only_within_the_rules(app, client, auth):
    auth.login("erin")
    _ask(client, hours="8")
    carol = app.test_client()
    AuthActions(carol).login("carol")
    inbox = carol.get("/requests/").get_data(as_text=True)
    decision = inbox[inbox.index('id="r1-hours"'):inbox.index("</select>", inbox.index('id="r1-hours"'))]
    assert '<option selected value="8">8 hours</option>' in decision and 'value="24"' not in decision
    _decide(carol, _request_id(app), "approve", hours="24")           # forged past the form
    assert "Not approved: rule social-budget lets managers grant for at most 8 hours." in _text(carol.get("/requests/"))
    with app.app_context():
        assert db().scalars(select(AccessRequest.status)).one() == "pending"
        assert db().scalars(select(Grant)).all() == []


@pytest.fixture
def grace_in_her_team(tmp_path, password_hash):
    """The test panel where grace is a member of engineering, the group she manages."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "policy.yaml").write_text((RULES / "policy.yaml").read_text(encoding="utf-8").replace(
        "engineering: {members: [frank], managers: [grace]}",
        "engineering: {members: [frank, grace], managers: [grace]}"), encoding="utf-8")
    return make_app(tmp_path, password_hash, rules=rules)


def test_nobody_grants_to_themselves_or_decides_their_own_request(grace_in_her_team):
    app = grace_in_her_team
    grace = app.test_client()
    AuthActions(grace).login("grace")
    post_form(grace, "/requests/", {"user": "grace", "site": "facebook", "hours": "1"}, action="/requests/grant")
    assert "Not granted: grace cannot grant access to themselves: another manager of their group or an admin " \
           "must." in _text(grace.get("/requests/"))
    _ask(grace)
    inbox = _text(grace.get("/requests/"))
    assert "Your own request: another manager of your group or an admin decides it." in inbox
    assert "Approve" not in inbox[inbox.index("grace asks for"):inbox.index("Grant access without")]
    assert _decide(grace, _request_id(app), "approve").status_code == 302      # forged past the page
    assert "You cannot decide your own request" in _text(grace.get("/requests/"))
    with app.app_context():
        assert db().scalars(select(AccessRequest.status)).one() == "pending"
        assert db().scalars(select(Grant)).all() == []
    ada = app.test_client()
    AuthActions(ada).login("ada")
    _decide(ada, _request_id(app), "approve", hours="1")
    with app.app_context():
        assert db().scalars(select(Grant.granted_by)).one() == "ada"


def test_huge_and_unknown_ids_are_404_not_500(client, auth):
    auth.login("carol")
    token = csrf_token(client.get("/requests/").get_data(as_text=True))
    for request_id in (2**70, 2**63, 0, 99999):
        response = client.post(f"/requests/{request_id}", data={"csrf_token": token})
        assert response.status_code == 404, request_id
        assert "There is no such page here." in _text(response)


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_two_managers_deciding_one_request_at_once_decide_it_once(db_url, tmp_path, password_hash):
    app = make_app(tmp_path, password_hash, db_url=db_url)
    with serve(app) as url:
        erin, carol, ada = (signed_in(url, name, PASSWORD) for name in ("erin", "carol", "ada"))
        for _ in range(5):
            erin.post("/requests/new", data={"site": "facebook", "reason": "Job ads", "hours": "8",
                                             "csrf_token": form_token(erin.get("/requests/new").text)})
            inbox = carol.get("/requests/").text
            request_id = max(int(found) for found in re.findall(r'action="/requests/(\d+)"', inbox))
            start, answers = threading.Barrier(2), {}

            def decide(name, client, button, request_id=request_id, start=start, answers=answers):   # this round's
                token = form_token(client.get("/requests/").text)
                start.wait(timeout=10)
                answers[name] = client.post(f"/requests/{request_id}", data={
                    "csrf_token": token, f"r{request_id}-hours": "4", f"r{request_id}-{button}": "y"})

            threads = [threading.Thread(target=decide, args=("carol", carol, "approve")),
                       threading.Thread(target=decide, args=("ada", ada, "decline"))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert sorted(answer.status_code for answer in answers.values()) == [302, 302]
            pages = {name: _text(client.get("/requests/")) for name, client in (("carol", carol), ("ada", ada))}
            already = [name for name, page in pages.items() if "This request was already" in page]
            assert len(already) == 1, pages                     # the slower one is told, nothing is changed
            with app.app_context():
                status = db().get(AccessRequest, request_id).status
                grants = db().scalars(select(Grant).where(Grant.request_id == request_id)).all()
            assert len(grants) == (1 if status == "approved" else 0)
            winner = "carol" if status == "approved" else "ada"
            assert already == ["ada" if winner == "carol" else "carol"]
