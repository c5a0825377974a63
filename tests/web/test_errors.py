"""Errors are pages in the panel's look with a sentence saying what to do, never a traceback."""
from datetime import timedelta

import pytest

from tests.support.databases import BACKENDS
from tests.web.conftest import AuthActions, csrf_token, make_app, post_form


def test_not_found_is_a_friendly_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no such page here." in response.get_data(as_text=True)


def test_forbidden_says_to_ask_an_admin(client, auth):
    auth.login("erin")
    response = client.get("/admin/accounts")
    assert response.status_code == 403
    assert "ask an admin" in response.get_data(as_text=True)


def test_a_form_without_its_token_changes_nothing_and_says_so(client, auth):
    auth.login("ada")
    response = client.post("/admin/accounts", data={"name": "mallory", "role": "admin", "password": "x" * 12})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert "mallory" not in client.get("/admin/accounts").get_data(as_text=True)


def test_an_unexpected_error_shows_no_traceback(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "Something went wrong on our side" in html


def test_wrong_method_is_refused(client):
    assert client.get("/auth/logout").status_code == 405
    assert post_form(client, "/auth/login", {}, action="/me/account").status_code == 405


def test_pages_that_need_the_policy_say_so_when_it_does_not_load(app, client, auth, tmp_path):
    from web.policy_source import EXTENSION, PolicySource
    app.extensions[EXTENSION] = PolicySource(tmp_path / "no-rules-here")
    auth.login("carol")
    for path in ("/team/", "/requests/", "/requests/new", "/team/usage"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "The rules could not be read just now" in response.get_data(as_text=True)


@pytest.mark.parametrize("db_url", BACKENDS, indirect=True)
def test_ids_of_any_size_are_no_page_not_a_crash(db_url, tmp_path, password_hash):
    app = make_app(tmp_path, password_hash, db_url=db_url)
    client = app.test_client()
    AuthActions(client).login("ada")
    token = csrf_token(client.get("/admin/accounts").get_data(as_text=True))
    for huge in (2**31, 2**63, 2**70, 10**40):
        for method, path in (("get", f"/admin/accounts/{huge}"), ("post", f"/admin/accounts/{huge}/password"),
                             ("post", f"/admin/audit/{huge}/rollback"), ("post", f"/requests/{huge}")):
            response = getattr(client, method)(path, data={"csrf_token": token} if method == "post" else None)
            assert response.status_code == 404, (path, response.status_code)
            assert "There is no such page here." in response.get_data(as_text=True)
    assert client.get(f"/admin/accounts/{2**31 - 1}").status_code == 404   # the largest id a table can hold


@pytest.mark.parametrize("week, status, words", [
    ("9999-12-31", 400, "There is no usage in the week of 9999-12-27: give a week between 1970 and 2999."),
    ("0001-01-01", 400, "There is no usage in the week of 0001-01-01: give a week between 1970 and 2999."),
    ("2026-13-45", 400, "The week 2026-13-45 is not a date: give the week as YYYY-MM-DD, e.g. 2026-11-23."),
    ("2999-12-31", 200, "Team usage"),
    ("1970-01-05", 200, "Team usage"),
])
def test_weeks_at_the_ends_of_the_calendar_are_a_clear_400(client, auth, week, status, words):
    auth.login("carol")
    for path in ("/team/usage", "/team/usage.csv"):
        response = client.get(f"{path}?group=marketing&week={week}")
        if path.endswith(".csv") and status == 200:
            continue                                           # marketing is too small for a CSV
        assert response.status_code == status, (path, response.status_code)
        assert words in response.get_data(as_text=True)


def test_a_body_over_the_limit_is_a_413_page_and_changes_nothing(client, auth):
    auth.login("carol")
    token = csrf_token(client.get("/requests/").get_data(as_text=True))
    response = client.post("/requests/grant", data={"csrf_token": token, "user": "erin", "site": "facebook",
                                                    "hours": "1", "note": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That was more data than the panel accepts (at most 1 MB). Nothing was saved." in \
        response.get_data(as_text=True)
    assert "erin may use" not in client.get("/requests/").get_data(as_text=True)


def test_unknown_fields_change_nothing_they_name(app, client, auth):
    auth.login("carol")
    post_form(client, "/requests/", {"user": "erin", "site": "facebook", "hours": "1", "granted_by": "ada",
                                     "expires_at": "2099-01-01T00:00:00+00:00", "request_id": "7"},
              action="/requests/grant")
    from sqlalchemy import select

    from storage.changes.access import Grant
    from web.db import db
    with app.app_context():
        [grant] = db().scalars(select(Grant)).all()
        assert (grant.granted_by, grant.request_id, grant.expires_at - grant.starts_at) == \
            ("carol", None, timedelta(hours=1))
