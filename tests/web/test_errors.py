"""Errors are pages in the panel's look with a sentence saying what to do, never a traceback."""
from tests.web.conftest import post_form


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
