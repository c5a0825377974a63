"""Every response carries the security headers: pages, redirects, errors and static files."""
import pytest

from tests.web.conftest import make_app, post_form


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


def test_https_gets_hsts_and_plain_http_does_not(client):
    assert client.get("/auth/login", base_url="https://panel.corp.example").headers[
        "Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


def test_a_forged_forwarded_proto_gets_no_hsts_unless_the_proxy_is_trusted(tmp_path, password_hash):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    untrusting = make_app(tmp_path / "a", password_hash).test_client()
    assert "Strict-Transport-Security" not in untrusting.get("/auth/login", headers=forged).headers
    behind_proxy = make_app(tmp_path / "b", password_hash)
    behind_proxy.config["TRUSTED_PROXIES"] = 1
    from web import cookies
    cookies.init_app(behind_proxy)          # as WATERCOOLER_TRUSTED_PROXIES=1 does at start
    assert behind_proxy.test_client().get("/auth/login", headers=forged).headers[
        "Strict-Transport-Security"] == "max-age=31536000"


def test_csv_and_personal_pages_are_never_stored(app, client, auth):
    auth.login("ada")
    for path in ("/me/", "/me/account", "/team/", "/requests/", "/admin/audit", "/no/such/page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    app.config["MIN_GROUP_SIZE"] = 1
    download = client.get("/team/usage.csv?group=marketing&week=2026-11-23")
    assert download.mimetype == "text/csv" and download.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/panel.css").headers.get("Cache-Control", "")
