from __future__ import annotations

from types import SimpleNamespace

from flask import Flask
from flask_login import LoginManager

from web.roles import role_required


def _app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test"
    logins = LoginManager(app)

    @logins.request_loader
    def from_header(request):          # who asks: the role named in a header, for this test only
        role = request.headers.get("X-Role")
        return SimpleNamespace(role=role, is_authenticated=True, is_active=True, get_id=lambda: role) if role else None

    @app.get("/audit")
    @role_required("admin")
    def audit():
        return "the audit trail"

    @app.get("/team")
    @role_required("manager", "admin")
    def team():
        return "the team"

    return app


def test_only_the_named_roles_see_the_page():
    client = _app().test_client()
    assert client.get("/audit", headers={"X-Role": "admin"}).get_data(as_text=True) == "the audit trail"
    assert client.get("/audit", headers={"X-Role": "manager"}).status_code == 403
    assert client.get("/team", headers={"X-Role": "manager"}).status_code == 200
    assert client.get("/team", headers={"X-Role": "employee"}).status_code == 403


def test_nobody_signed_in_is_refused_before_any_role_check():
    assert _app().test_client().get("/team").status_code == 401     # login_required (the panel redirects)
