"""The session cookie: HttpOnly and SameSite=Lax always, Secure whenever the page came over HTTPS.

A fixed `SESSION_COOKIE_SECURE` would either break plain-HTTP trials or leak the cookie on HTTPS
deployments; deciding per request follows how the panel is actually reached (behind a TLS-terminating
reverse proxy, set `TRUSTED_PROXIES` so `X-Forwarded-Proto` is believed).
"""
from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class PerRequestSecureSessions(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def init_app(app: Flask) -> None:
    app.session_interface = PerRequestSecureSessions()
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
