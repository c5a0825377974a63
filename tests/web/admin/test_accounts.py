"""Admins create accounts, change roles and access, reset passwords; every change is audited."""
from __future__ import annotations

from sqlalchemy import select

from storage.audit import AuditRecord
from storage.sign_in.accounts import find_user
from tests.web.conftest import PASSWORD, AuthActions, post_form
from web.db import db

NEW_PASSWORD = "another long odd passphrase"


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
    first = auth.login("hugo", NEW_PASSWORD)
    assert first.status_code == 302 and first.headers["Location"] == "/auth/password"
    assert client.get("/me/account").headers["Location"] == "/auth/password"   # nothing else until changed
    page = client.get("/auth/password").get_data(as_text=True)
    assert "Your password was set by an admin" in page
    own = "hugo's own odd passphrase"
    changed = post_form(client, "/auth/password", {"current": NEW_PASSWORD, "new": own, "confirm": own})
    assert changed.status_code == 302
    assert client.get("/me/account").status_code == 200


def test_bad_new_accounts_are_refused_with_the_reason(client, auth):
    auth.login("ada")
    taken = post_form(client, "/admin/accounts", {"name": "erin", "role": "employee", "password": NEW_PASSWORD})
    assert taken.status_code == 400 and "An account with this name exists" in taken.get_data(as_text=True)
    odd = post_form(client, "/admin/accounts", {"name": "bad name!", "role": "employee", "password": NEW_PASSWORD})
    assert odd.status_code == 400 and "letters, digits" in odd.get_data(as_text=True)
    cased = post_form(client, "/admin/accounts", {"name": "Erin", "role": "employee", "password": NEW_PASSWORD})
    assert cased.status_code == 400 and "An account with this name exists" in cased.get_data(as_text=True)
    short = post_form(client, "/admin/accounts", {"name": "gina", "role": "employee", "password": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    common = post_form(client, "/admin/accounts", {"name": "gina", "role": "employee", "password": "password1234"})
    assert common.status_code == 400 and "common or easily guessed" in common.get_data(as_text=True)
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
    assert post_form(client, page, {"role": "employee", "active": "y"}).status_code == 302
    assert other.get("/me/account").status_code == 302  # ...for good: re-enabling revives no old cookie
    history = [a for a in _audit(app) if a[1] == "account changed"]
    assert history == [
        ("ada", "account changed", "account:erin",
         {"role": "employee", "active": True}, {"role": "manager", "active": True}),
        ("ada", "account changed", "account:erin",
         {"role": "manager", "active": True}, {"role": "manager", "active": False}),
        ("ada", "account changed", "account:erin",
         {"role": "manager", "active": False}, {"role": "employee", "active": True}),
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
    assert ("ada", "password reset", "account:erin", {"sessions": "open"},
            {"sessions": "ended", "must change": True}) in _audit(app)
    assert AuthActions(erin_client).login("erin", PASSWORD).status_code == 200
    reset = AuthActions(erin_client).login("erin", NEW_PASSWORD)
    assert reset.status_code == 302 and reset.headers["Location"] == "/auth/password"


def test_an_admin_lifts_a_throttle_strangers_caused_and_it_is_audited(app, client, auth):
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for _ in range(5):
        AuthActions(stranger).login("erin", "not the password")
    assert AuthActions(stranger).login("erin", PASSWORD).status_code == 429
    auth.login("ada")
    erin = _account_id(app, "erin")
    page = client.get(f"/admin/accounts/{erin}").get_data(as_text=True)
    assert "10.0.0.66" in page and "Lift sign-in throttle" in page
    assert client.post(f"/admin/accounts/{erin}/throttle").status_code == 400   # no form token: nothing lifted
    lifted = post_form(client, f"/admin/accounts/{erin}", {}, action=f"/admin/accounts/{erin}/throttle")
    assert lifted.status_code == 302
    assert "None counted now." in client.get(f"/admin/accounts/{erin}").get_data(as_text=True)
    lifted = [a for a in _audit(app) if a[1] == "sign-in throttle lifted"]
    assert lifted == [("ada", "sign-in throttle lifted", "account:erin",
                       {"10.0.0.66": {"failed checks": 5, "refused": 1},
                        "every address": {"failed checks": 5, "refused": 0},
                        "10.0.0.66 (all names)": {"failed checks": 5, "refused": 0}}, {})]
    assert AuthActions(stranger).login("erin", PASSWORD).status_code == 302


def test_lifting_a_throttle_frees_the_owners_address_a_stranger_made_wait_with_other_names(app, client, auth):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    shared = app.test_client()
    shared.environ_base["REMOTE_ADDR"] = "10.0.0.66"       # one office address, a stranger and erin behind it
    for name in ("n1", "n2", "n3"):
        AuthActions(shared).login(name, "not the password")
    assert AuthActions(shared).login("erin", PASSWORD).status_code == 429
    auth.login("ada")
    erin = _account_id(app, "erin")
    assert "10.0.0.66 (all names)" in client.get(f"/admin/accounts/{erin}").get_data(as_text=True)
    post_form(client, f"/admin/accounts/{erin}", {}, action=f"/admin/accounts/{erin}/throttle")
    assert AuthActions(shared).login("erin", PASSWORD).status_code == 302


def test_unknown_accounts_are_not_found(client, auth):
    auth.login("ada")
    assert client.get("/admin/accounts/999").status_code == 404
