from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict

from web.auth.forms import PasswordChangeForm, SignInForm, SignOutForm

STRONG = "correct horse battery staple"


def _app(csrf: bool = False) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=csrf)
    return app


def test_a_new_password_follows_the_rules_and_is_typed_twice_alike():
    with _app().test_request_context(method="POST"):
        weak = PasswordChangeForm(formdata=MultiDict({"current": "x", "new": "password", "confirm": "password"}))
        assert not weak.validate()
        assert weak.errors["new"][0].endswith("This one: a password needs 12 to 1024 characters.")
        differ = PasswordChangeForm(formdata=MultiDict({"current": "x", "new": STRONG, "confirm": STRONG + "!"}))
        assert not differ.validate() and differ.errors["confirm"] == ["The two new passwords differ."]
        good = PasswordChangeForm(formdata=MultiDict({"current": "x", "new": STRONG, "confirm": STRONG}))
        assert good.validate(), good.errors


def test_signing_in_needs_a_name_and_a_password():
    with _app().test_request_context(method="POST"):
        assert not SignInForm(formdata=MultiDict({"name": "ada"})).validate()
        assert SignInForm(formdata=MultiDict({"name": "ada", "password": "anything"})).validate()


def test_signing_out_needs_the_forms_token():
    app = _app(csrf=True)
    with app.test_request_context(method="POST"):
        assert not SignOutForm(formdata=MultiDict()).validate()      # another site's form has no token
