"""Signing in and out, throttling, sessions that end, and password changes — as a browser sees them."""
from __future__ import annotations

import re

from sqlalchemy import select

from storage.audit import SIGN_IN_FAILED, AuditRecord
from tests.web.conftest import PASSWORD, AuthActions, csrf_token, post_form
from web.auth.views import THROTTLED, WRONG
from web.db import db


def _without_token(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_sign_in_lands_on_the_page_asked_for(client, auth):
    assert client.get("/me/account").status_code == 302
    response = auth.login("erin", next_url="/me/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/account"
    page = client.get("/me/account").get_data(as_text=True)
    assert "erin" in page and "Employee" in page


def test_open_redirects_after_sign_in_go_home_instead(client, auth):
    for evil in ("//evil.example", "/%5Cevil.example", "https:evil.example"):
        response = auth.login("erin", next_url=evil)
        assert response.status_code == 302
        assert response.headers["Location"] == "/", evil
        auth.logout()


def test_unknown_name_and_wrong_password_get_the_same_answer(client, auth):
    unknown = auth.login("nobody", "whatever password")
    wrong = auth.login("erin", "whatever password")
    assert unknown.status_code == wrong.status_code == 200
    assert WRONG in unknown.get_data(as_text=True)
    same_name = auth.login("nobody", "whatever password").get_data(as_text=True).replace("nobody", "erin")
    assert _without_token(same_name) == _without_token(wrong.get_data(as_text=True))
    assert client.get("/me/account").status_code == 302  # still signed out


def test_failures_are_audited_without_the_password(app, auth):
    auth.login("erin", "a wrong password")
    with app.app_context():
        records = db().scalars(select(AuditRecord).where(AuditRecord.action == SIGN_IN_FAILED)).all()
    assert [(r.target, r.actor, r.source) for r in records] == [("account:erin", None, "127.0.0.1")]
    assert "a wrong password" not in repr((records[0].before, records[0].after))


def test_repeated_failures_throttle_the_name_from_that_address_even_with_the_right_password(app, client, auth):
    for _ in range(5):
        assert auth.login("erin", "wrong password!").status_code == 200
    throttled = auth.login("Erin", PASSWORD)   # any spelling of the name
    assert throttled.status_code == 429
    assert THROTTLED in throttled.get_data(as_text=True)
    assert client.get("/me/account").status_code == 302
    assert auth.login("carol", PASSWORD).status_code == 302  # other accounts are not affected
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.7"       # erin at her own desk is not locked out
    assert AuthActions(elsewhere).login("erin", PASSWORD).status_code == 302


def test_a_burst_of_failures_is_two_audit_records_not_one_per_request(app, auth):
    for _ in range(25):
        auth.login("erin", "wrong password!")
    with app.app_context():
        records = [(r.action, r.target, r.source) for r in db().scalars(select(AuditRecord).order_by(AuditRecord.id))]
    assert records == [("sign-in failed", "account:erin", "127.0.0.1"),
                       ("sign-in throttled", "account:erin", "127.0.0.1")]


def test_unknown_names_are_throttled_like_real_ones(auth):
    for _ in range(5):
        auth.login("ghost", "wrong password!")
    assert auth.login("ghost", "wrong password!").status_code == 429


def test_one_address_is_throttled_across_names(app, auth):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for name in ("n1", "n2", "n3"):
        auth.login(name, "wrong password!")
    assert auth.login("erin", PASSWORD).status_code == 429


def test_new_names_from_a_throttled_address_add_no_audit_records(app, auth):
    for n in range(60):                                    # 20 checks, then the address waits
        auth.login(f"name{n}", "wrong password!")
    assert auth.login("erin", PASSWORD).status_code == 429
    with app.app_context():
        actions = db().scalars(select(AuditRecord.action)).all()
    assert actions.count("sign-in failed") == 20           # one per name whose password was checked
    assert actions.count("sign-in throttled") == 1         # the address's burst, not one per new name


def test_sign_out_ends_copies_of_the_session_cookie(app, client, auth):
    auth.login("erin")
    copied = client.get_cookie("watercooler_session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("watercooler_session", copied)
    assert thief.get("/me/account").status_code == 302


def test_sign_out_needs_the_form_token(client, auth):
    auth.login("erin")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/me/account").status_code == 200  # still signed in


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, auth):
    auth.login("erin")
    other = app.test_client()
    other.set_cookie("watercooler_session", client.get_cookie("watercooler_session").value)
    new = "a brand new passphrase"
    response = post_form(client, "/auth/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/me/account").status_code == 200
    assert other.get("/me/account").status_code == 302
    auth.logout()
    assert auth.login("erin", PASSWORD).status_code == 200  # old password refused
    assert auth.login("erin", new).status_code == 302


def test_password_change_needs_the_current_password(client, auth):
    auth.login("erin")
    new = "a brand new passphrase"
    response = post_form(client, "/auth/password", {"current": "not it at all", "new": new, "confirm": new})
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)


def test_current_password_guesses_are_throttled_and_audited_once(app, client, auth):
    auth.login("erin")
    new = "a brand new passphrase"
    for _ in range(4):   # the sign-in was the first check; it gave its count back
        guess = post_form(client, "/auth/password", {"current": "not it at all", "new": new, "confirm": new})
        assert guess.status_code == 400
    for _ in range(2):
        post_form(client, "/auth/password", {"current": "still not it", "new": new, "confirm": new})
    right = post_form(client, "/auth/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert right.status_code == 429 and THROTTLED in right.get_data(as_text=True)
    with app.app_context():
        records = [(r.actor, r.action) for r in db().scalars(select(AuditRecord).order_by(AuditRecord.id))]
    assert records == [(None, "password check failed"), (None, "password check throttled")]


def test_a_new_password_must_be_long_and_uncommon(client, auth):
    auth.login("erin")
    for weak, reason in (("short one", "at least 12 characters"), ("password1234", "common or easily guessed"),
                         ("erinerin2026", "common or easily guessed")):
        response = post_form(client, "/auth/password", {"current": PASSWORD, "new": weak, "confirm": weak})
        assert response.status_code == 400 and reason in response.get_data(as_text=True), weak


def test_sign_in_without_a_form_token_is_refused(client):
    response = client.post("/auth/login", data={"name": "erin", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this panel" in response.get_data(as_text=True)
    assert client.get("/me/account").status_code == 302


def test_a_signed_in_visit_to_the_sign_in_page_goes_home(client, auth):
    auth.login("erin")
    assert client.get("/auth/login").status_code == 302


def test_disabled_accounts_cannot_sign_in(app, auth):
    from storage.sign_in.accounts import find_user
    with app.app_context():
        find_user(db(), "erin").active = False
        db().commit()
    assert auth.login("erin").status_code == 200


def test_sign_in_form_token_is_bound_to_the_browser(app, client):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    stranger = app.test_client()
    stranger.get("/auth/login")
    response = stranger.post("/auth/login", data={"name": "erin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_the_sign_in_page_says_what_signing_in_is_for(client):
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "<h1>Sign in to see your policy</h1>" in home and "Please sign in to see this page." not in home
    asking = client.get("/requests/new?site=facebook", follow_redirects=True).get_data(as_text=True)
    assert "<h1>Sign in to ask for access</h1>" in asking
    team = client.get("/team/", follow_redirects=True).get_data(as_text=True)
    assert "<h1>Sign in</h1>" in team and "Please sign in to see this page." in team
