"""Every response carries the security headers: pages, redirects, errors and static files."""
import pytest

from tests.web.conftest import post_form


@pytest.mark.parametrize("path", ["/auth/login", "/", "/no/such/page", "/static/panel.css"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(client, auth):
    auth.login("ada")
    for path in ("/auth/login", "/admin/accounts", "/me/account", "/auth/password"):
        html = client.get(path).get_data(as_text=True)
        assert "<script" not in html and "style=" not in html and "<style" not in html, path


def test_error_responses_have_them_too(client, auth):
    auth.login("erin")
    refused = post_form(client, "/me/account", {}, action="/admin/accounts")
    assert refused.status_code == 403
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]


def test_pages_are_not_cached(client):
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
