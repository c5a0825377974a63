"""A request as a read-only rule judges it: its verb, the method it names instead, and its body.

Looked at only for a read (GET, HEAD, OPTIONS) that a read-only rule allowed. A body is seen in the
headers (`Content-Length`, `Transfer-Encoding`) before it arrives, and in the content once it has:
HTTP/2 may send one without a length, which only the content shows. The query string is searched
for `_method` alone, and nothing of it is kept: the judged method is all that leaves this module.
"""
from __future__ import annotations

from mitmproxy import http

from policy.engine.reading import OVERRIDE_HEADERS, OVERRIDE_PARAMETER, judged_method as judge

_OVERRIDES = frozenset(name.encode() for name in OVERRIDE_HEADERS)
_BODY = (b"content-length", b"transfer-encoding")
_LENGTHS = frozenset(len(name) for name in (*_OVERRIDES, *_BODY))   # names of other lengths are skipped


def judged_method(request: http.Request) -> str:
    """The method to decide `request` on: "POST" for a GET that says `X-HTTP-Method-Override: POST`."""
    named, body = _read_headers(request)
    path = request.path
    query = path.find("?")
    if query >= 0 and path.find("method", query) >= 0:    # a cheap look at the query; also finds `%5Fmethod`
        named += request.query.get_all(OVERRIDE_PARAMETER)
    return judge(request.method, named, body or bool(request.raw_content))


def carries_body(request: http.Request) -> bool:
    """True when the request has (or announces) a body of at least one byte."""
    return _read_headers(request)[1] or bool(request.raw_content)  # content: known once it has arrived


def _read_headers(request: http.Request) -> tuple[list[str], bool]:
    """(methods named in override headers, whether the headers announce a body), in one pass over the
    raw fields: `headers.get` decodes every field on each call, and this runs on every read."""
    named: list[str] = []
    body = False
    for name, value in request.headers.fields:
        if len(name) not in _LENGTHS:
            continue
        name = name.lower()
        if name in _OVERRIDES:
            named.append(value.decode("latin-1"))
        elif name == b"transfer-encoding":
            body = True
        elif name == b"content-length":
            body = body or not value.strip().isdigit() or int(value) > 0   # unreadable: assume the worst
    return named, body
