"""Error pages in the panel's own look, with a sentence that says what to do next."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from web.policy_source import PolicyUnavailable

POLICY_ADVICE = ("The rules could not be read just now, so this page cannot be shown. Try again in a minute; "
                 "if it lasts, tell your IT admins (the status page shows what is wrong).")
ADVICE = {
    400: "The request was not understood. Go back, reload the page and try again.",
    403: "Your account may not see or change this. If you need it, ask an admin.",
    404: "There is no such page here.",
    405: "This page does not take that kind of request.",
    413: "That was more data than the panel accepts.",
    429: "Too many attempts. Wait a few minutes and try again.",
    500: "Something went wrong on our side. Try again; if it persists, tell your IT admins.",
}
CSRF_ADVICE = ("This form has expired or did not come from this panel, so nothing was changed. "
               "Go back, reload the page and submit it again.")


def _render(code: int, title: str, advice: str):
    return render_template("error.html", code=code, title=title, advice=advice), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError):
        return _render(400, "Form refused", CSRF_ADVICE)

    @app.errorhandler(PolicyUnavailable)
    def no_policy(error: PolicyUnavailable):
        return _render(503, "Policy unavailable", POLICY_ADVICE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return _render(code, error.name, ADVICE.get(code, error.description or ""))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error")
        return _render(500, "Internal error", ADVICE[500])
