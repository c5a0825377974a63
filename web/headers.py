"""Security headers on every response: no inline script, no framing, no sniffing, little referrer.

Over HTTPS (as `request.is_secure` sees it: directly, or behind a reverse proxy the panel trusts with
`TRUSTED_PROXIES`, whose X-Forwarded-Proto then counts) browsers are told to use HTTPS only for a
year (HSTS); a forged X-Forwarded-Proto from an untrusted client changes nothing. Nothing but the
static files and the PAC file (which set their own) may be kept by a cache: pages, CSV downloads and
errors are `no-store`, as they show who may use what.
"""
from __future__ import annotations

from flask import Flask, Response, request

# Scripts and styles only from the panel's own static files; no inline script, no eval.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",           # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
}


HSTS = "max-age=31536000"   # a year; not includeSubDomains: other hosts of the domain are not ours to pin


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    # Keep pages and downloads out of shared caches and the back-forward cache.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
