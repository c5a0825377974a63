"""Panel sign-in with directory passwords against a real slapd (StartTLS): roles from the directory's
admin group and the rules' managers, local accounts kept for break-glass admins, the same throttling."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from storage.directory.ldap import DirectoryError
from storage.directory.settings import from_environ
from storage.directory.sync import sync_once
from storage.sign_in.accounts import User
from storage.sign_in.throttle import SignInCounter
from tests.support.browser import DESKTOP
from tests.support.live_panel import serve
from tests.support.slapd import password_of, person_ldif
from tests.web.conftest import PASSWORD, AuthActions
from web.auth.views import DIRECTORY_DOWN, WRONG
from web.db import db, engine


@pytest.fixture
def auth(directory_app) -> AuthActions:
    return AuthActions(directory_app.test_client())


def role_of(app: Flask, name: str) -> str | None:
    with app.app_context():
        return db().scalar(select(User.role).where(User.name == name))


def test_employees_sign_in_with_their_directory_password_and_get_their_role(directory_app, auth):
    signed_in = auth.login("Emma.Schulz", password_of("emma.schulz"))
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert role_of(directory_app, "emma.schulz") == "employee"
    assert auth.client.get("/me/").status_code == 200
    changing = auth.client.get("/auth/password", follow_redirects=True)
    assert "Your password is your company directory password" in changing.get_data(as_text=True)
    auth.logout()
    assert auth.login("katrin.vogel", password_of("katrin.vogel")).status_code == 302
    assert role_of(directory_app, "katrin.vogel") == "admin"                     # the directory's admin group
    assert auth.client.get("/admin/status").status_code == 200
    auth.logout()
    assert auth.login("noah.fischer", password_of("noah.fischer")).status_code == 302
    assert role_of(directory_app, "noah.fischer") == "manager"                   # managers: in the rules


def test_wrong_passwords_are_refused_and_throttled_like_local_ones(auth):
    for _ in range(3):
        wrong = auth.login("emma.schulz", "not it")
        assert wrong.status_code == 200 and WRONG in wrong.get_data(as_text=True)
    assert auth.login("emma.schulz", password_of("emma.schulz")).status_code == 429


def test_a_local_account_is_never_taken_over_from_the_directory(directory_app, slapd, auth):
    slapd.load(person_ldif("ada"))                  # a directory person with the break-glass admin's name
    refused = auth.login("ada", password_of("ada"))
    assert WRONG in refused.get_data(as_text=True)
    assert auth.login("ada", PASSWORD).status_code == 302 and role_of(directory_app, "ada") == "admin"


def test_a_stopped_directory_says_so_and_break_glass_admins_still_sign_in(directory_app, slapd, auth):
    assert WRONG in auth.login("emma.schulz", "a guess").get_data(as_text=True)
    slapd.stop()
    with directory_app.app_context(), pytest.raises(DirectoryError):
        sync_once(from_environ(slapd.env()), engine())
    down = auth.login("emma.schulz", password_of("emma.schulz"))
    assert down.status_code == 503 and DIRECTORY_DOWN in down.get_data(as_text=True)
    with directory_app.app_context():      # the attempt it could not check neither counts nor wipes the guess
        assert db().get(SignInCounter, ("emma.schulz", "127.0.0.1")).checks == 1
    assert auth.login("ada", PASSWORD).status_code == 302
    status = auth.client.get("/admin/status").get_data(as_text=True)
    assert "Company directory" in status and "Snapshot in use: 5 groups, 8 people" in status
    assert "failed: cannot reach the directory at " in status and "the snapshot above stays in use" in status


@pytest.mark.e2e
def test_in_a_browser_an_employee_signs_in_with_the_directory_password(directory_app, browser):
    context = browser.new_context(viewport=DESKTOP)
    try:
        with serve(directory_app) as panel:
            page = context.new_page()
            page.goto(panel + "/")
            page.get_by_label("Account name").fill("emma.schulz")
            page.get_by_label("Password").fill(password_of("emma.schulz"))
            with page.expect_navigation():
                page.get_by_role("button", name="Sign in").click()
            assert page.url == panel + "/me/"
            facebook = page.locator(".site", has_text="facebook")
            assert "30 of 30 min left today" in facebook.inner_text()   # the sales budget: in sales by the directory
    finally:
        context.close()
