"""Managers see how many requests wait for them in the navigation, and land on them after signing in."""
from __future__ import annotations

from tests.web.conftest import AuthActions
from tests.web.requests.test_views import _ask, _text


def test_the_count_of_waiting_requests_is_in_the_navigation_and_sign_in_lands_on_them(app, client, auth):
    auth.login("erin")
    _ask(client)
    _ask(client, site="youtube", hours="1")
    assert "Requests" not in _text(client.get("/me/"))           # employees have no inbox
    carol = app.test_client()
    signed_in = AuthActions(carol).login("carol")
    assert signed_in.headers["Location"] == "/"
    assert carol.get("/").headers["Location"] == "/requests/"   # two waiting: straight to them
    assert "Requests 2" in _text(carol.get("/me/"))
    grace = app.test_client()
    AuthActions(grace).login("grace")                           # another team: nothing waits for her
    assert grace.get("/").headers["Location"] == "/me/"
    assert "Requests 2" not in _text(grace.get("/me/")) and "Requests" in _text(grace.get("/me/"))
