"""The pages the proxy shows employees: rendered with Jinja2 (autoescape), answered with strict headers.

The stylesheet is inlined and allowed by its SHA-256 hash in the Content-Security-Policy, so a page
needs no second request (which could itself be blocked) and no script of any kind can run on it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from mitmproxy import http

PAGES = Path(__file__).parent
_CSS = (PAGES / "page.css").read_text(encoding="utf-8")
_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")

CSP = (f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")

_ASCII_PUNCTUATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                                    "\u201c": '"', "\u201d": '"', "\u2026": "..."})

_env = Environment(loader=FileSystemLoader(PAGES), autoescape=select_autoescape(default=True),
                   undefined=StrictUndefined, trim_blocks=False)

_DEFAULTS = {"message": None, "opens": None, "opens_label": "Opens again", "quota": None,
             "alternatives": (), "policy_url": None, "request_url": None, "host": None, "next": None,
             "ask_whom": None, "back": None, "still": None}


def _headers(content_type: str, reason: str) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Cache-Control": "no-store",
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "X-Watercooler-Reason": header_text(reason),
    }


def header_text(text: str) -> str:
    """A sentence as one printable ASCII header line: dashes and quotes simplified, accents dropped."""
    plain = unicodedata.normalize("NFKD", " ".join(text.split()).translate(_ASCII_PUNCTUATION))
    return plain.encode("ascii", "ignore").decode("ascii")[:300]


def render(template: str, **context: object) -> str:
    values = {**_DEFAULTS, **context, "css": Markup(_CSS)}
    return _env.get_template(template).render(values)


def html_response(status: int, template: str, **context: object) -> http.Response:
    body = render(template, **context)
    # "replace": a name mitmproxy kept as undecodable bytes must not stop the page (a refusal that
    # raised would let the request through).
    return http.Response.make(status, body.encode("utf-8", "replace"),
                              _headers("text/html; charset=utf-8", str(context.get("reason", ""))))


def json_response(status: int, payload: dict) -> http.Response:
    return http.Response.make(status, json.dumps(payload).encode("utf-8"),
                              _headers("application/json", str(payload.get("reason", ""))))


def plain_response(status: int, reason: str) -> http.Response:
    """For clients that cannot show a page (e.g. a refused CONNECT): the reason in a header and a line."""
    return http.Response.make(status, (reason + "\n").encode("utf-8"),
                              _headers("text/plain; charset=utf-8", reason))


def wants_json(request: http.Request) -> bool:
    """A page's script asked (fetch, XHR), not the person: it gets JSON it can read, not a page.

    Browsers say so with `Sec-Fetch-Mode`/`Sec-Fetch-Dest`; older clients only by what they accept."""
    mode, dest = request.headers.get("sec-fetch-mode", ""), request.headers.get("sec-fetch-dest", "")
    if mode == "navigate" or dest in ("document", "iframe", "frame"):
        return False
    if mode in ("cors", "same-origin") or dest == "empty":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
