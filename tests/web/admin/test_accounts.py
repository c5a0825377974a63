"""Admins create accounts, change roles and access, reset passwords; every change is audited."""
from __future__ import annotations

from sqlalchemy import select

from storage.accounts import find_user
from storage.audit import AuditRecord
from tests.web.conftest import PASSWORD, post_form
from web.db import db

NEW_PASSWORD = "another long passphrase"


def _audit(app) -> list[tuple]:
    with app.app_context():
        return [(r.actor, r.action, r.target, r.before, r.after)
                for r in db().scalars(select(AuditRecord).order_by(AuditRecord.id))]


def _account_id(app, name: str) -> int:
    with app.app_context():
        return find_user(db(), name).id


def test_only_admins_see_accounts(client, auth):
    auth.login("carol")
    assert client.get("/admin/accounts").status_code == 403
    assert post_form(client, "/me/account", {"name": "x"}, action="/admin/accounts").status_code == 403


def test_an_admin_creates_an_account_that_can_sign_in(app, client, auth):
    auth.login("ada")
    response = post_form(client, "/admin/accounts", {"name": "hugo", "role": "manager", "password": NEW_PASSWORD})
    assert response.status_code == 302
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert "Account hugo created." in page and ">hugo</a>" in page
    assert ("ada", "account created", "account:hugo", None, {"role": "manager", "active": True}) in _audit(app)
    auth.logout()
    assert auth.login("hugo", NEW_PASSWORD).status_code == 302


def test_bad_new_accounts_are_refused_with_the_reason(client, auth):
    auth.login("ada")
    taken = post_form(client, "/admin/accounts", {"name": "erin", "role": "employee", "password": NEW_PASSWORD})
    assert taken.status_code == 400 and "An account with this name exists" in taken.get_data(as_text=True)
    odd = post_form(client, "/admin/accounts", {"name": "bad name!", "role": "employee", "password": NEW_PASSWORD})
    assert odd.status_code == 400 and "letters, digits" in odd.get_data(as_text=True)
    short = post_form(client, "/admin/accounts", {"name": "gina", "role": "employee", "password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    role = post_form(client, "/admin/accounts", {"name": "gina", "role": "root", "password": NEW_PASSWORD})
    assert role.status_code == 400 and "Not a valid choice" in role.get_data(as_text=True)


def test_role_and_access_changes_take_effect_and_are_audited(app, client, auth):
    erin = _account_id(app, "erin")
    other = app.test_client()
    from tests.web.conftest import AuthActions
    AuthActions(other).login("erin")
    auth.login("ada")
    page = f"/admin/accounts/{erin}"
    assert post_form(client, page, {"role": "manager", "active": "y"}).status_code == 302
    assert post_form(client, page, {"role": "manager"}).status_code == 302  # unticked: may not sign in
    assert other.get("/me/account").status_code == 302  # a disabled account's session ends at once
    history = [a for a in _audit(app) if a[1] == "account changed"]
    assert history == [
        ("ada", "account changed", "account:erin", {"role": "employee", "active": True}, {"role": "manager", "active": True}),
        ("ada", "account changed", "account:erin", {"role": "manager", "active": True}, {"role": "manager", "active": False}),
    ]


def test_admins_cannot_lock_themselves_out(app, client, auth):
    auth.login("ada")
    response = post_form(client, f"/admin/accounts/{_account_id(app, 'ada')}", {"role": "employee", "active": "y"})
    assert response.status_code == 400
    assert "You cannot take away your own admin access" in response.get_data(as_text=True)


def test_a_password_reset_signs_the_account_out_everywhere(app, client, auth):
    erin_client = app.test_client()
    from tests.web.conftest import AuthActions
    AuthActions(erin_client).login("erin")
    auth.login("ada")
    erin = _account_id(app, "erin")
    response = post_form(client, f"/admin/accounts/{erin}", {"password": NEW_PASSWORD},
                         action=f"/admin/accounts/{erin}/password")
    assert response.status_code == 302
    assert erin_client.get("/me/account").status_code == 302
    assert ("ada", "password reset", "account:erin", {"sessions": "open"}, {"sessions": "ended"}) in _audit(app)
    assert AuthActions(erin_client).login("erin", PASSWORD).status_code == 200
    assert AuthActions(erin_client).login("erin", NEW_PASSWORD).status_code == 302


def test_unknown_accounts_are_not_found(client, auth):
    auth.login("ada")
    assert client.get("/admin/accounts/999").status_code == 404
