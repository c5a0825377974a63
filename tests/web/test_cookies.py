"""The session cookie is HttpOnly and SameSite=Lax always, and Secure when the panel is reached by HTTPS."""
from tests.web.conftest import PASSWORD, csrf_token


def _session_cookie_header(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("watercooler_session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_over_http_the_cookie_is_httponly_and_lax(client):
    cookie = _session_cookie_header(client.get("/auth/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_over_https_the_cookie_is_secure(app):
    client = app.test_client()
    page = client.get("/auth/login", base_url="https://panel.example")
    assert "Secure" in _session_cookie_header(page)
    token = csrf_token(page.get_data(as_text=True))
    signed_in = client.post("/auth/login", base_url="https://panel.example",
                            headers={"Referer": "https://panel.example/auth/login"},
                            data={"name": "erin", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert "Secure" in _session_cookie_header(signed_in) and "HttpOnly" in _session_cookie_header(signed_in)


def test_behind_a_trusted_tls_proxy_the_forwarded_scheme_counts(tmp_path):
    from web import create_app
    app = create_app({"DB": f"sqlite:///{tmp_path / 'p.db'}", "DATA": str(tmp_path), "SECRET_KEY": "k",
                      "DB_SETUP": "create", "TRUSTED_PROXIES": 1})
    page = app.test_client().get("/auth/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie_header(page)
