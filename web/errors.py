"""Error pages in the panel's own look, with a sentence that says what to do next.

No traceback reaches a user: ids too large for any database are no page (404, not an overflow), a
write that lost a race to another one is a 409 that says nothing was saved, a database busy with the
proxies' writes (or away) is a 503 to retry, and anything else is a plain 500 page.
"""
from __future__ import annotations

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from web.devices import NotACertificate
from web.policy_source import PolicyUnavailable

POLICY_ADVICE = ("The rules could not be read just now, so this page cannot be shown. Try again in a minute; "
                 "if it lasts, tell your IT admins (the status page shows what is wrong).")
ADVICE = {
    400: "The request was not understood. Go back, reload the page and try again.",
    403: "Your account may not see or change this. If you need it, ask an admin.",
    404: "There is no such page here.",
    405: "This page does not take that kind of request.",
    409: "Someone changed this at the same moment, so nothing was saved. Reload the page and try again.",
    413: "That was more data than the panel accepts (at most 1 MB). Nothing was saved.",
    429: "Too many attempts. Wait a few minutes and try again.",
    500: "Something went wrong on our side. Try again; if it persists, tell your IT admins.",
}
BUSY_ADVICE = ("The database was busy (or out of reach) just now, so nothing was saved. Try again in a moment; "
               "if it lasts, tell your IT admins.")
LARGEST_ID = 2**31 - 1   # ids are 32-bit integers on PostgreSQL; a larger one cannot exist anywhere


class DatabaseId(IntegerConverter):
    """`<int:...>` in the panel's URLs: a whole number from 0 to LARGEST_ID; anything else is a 404."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


CSRF_ADVICE = ("This form has expired or did not come from this panel, so nothing was changed. "
               "Go back, reload the page and submit it again.")


def _render(code: int, title: str, advice: str):
    return render_template("error.html", code=code, title=title, advice=advice), code


def _rollback() -> None:
    session = g.get("db")
    if session is not None:
        session.rollback()


def init_app(app: Flask) -> None:
    """Register the pages; call before the blueprints, so their routes use `DatabaseId`."""
    app.url_map.converters["int"] = DatabaseId

    @app.errorhandler(IntegrityError)
    def lost_race(error: IntegrityError):
        _rollback()
        app.logger.warning("write refused by the database: %s", error.orig)
        return _render(409, "Changed meanwhile", ADVICE[409])

    @app.errorhandler(OperationalError)
    def busy(error: DBAPIError):
        _rollback()
        app.logger.warning("database busy or unreachable: %s", error.orig)
        return _render(503, "Database busy", BUSY_ADVICE)

    @app.errorhandler(NotACertificate)
    def not_a_certificate(error: NotACertificate):
        app.logger.error("/ca.pem refused: %s", error)
        return _render(503, "Certificate not served", f"{error} (For the IT admins: nothing was sent.)")

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError):
        return _render(400, "Form refused", CSRF_ADVICE)

    @app.errorhandler(PolicyUnavailable)
    def no_policy(error: PolicyUnavailable):
        return _render(503, "Policy unavailable", POLICY_ADVICE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        said = error.description if error.description != type(error).description else None  # abort(400, "...")
        return _render(code, error.name, said or ADVICE.get(code, error.description or ""))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.error("unexpected error", exc_info=error)
        return _render(500, "Internal error", ADVICE[500])
