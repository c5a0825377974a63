"""A request as a read-only rule judges it: its verb, the method it names instead, and its body.

Looked at only for a read (GET, HEAD, OPTIONS) that a read-only rule allowed. A body is seen in the
headers (`Content-Length`, `Transfer-Encoding`) before it arrives, and in the content once it has:
HTTP/2 may send one without a length, which only the content shows. The query string is searched
for `_method` alone, and nothing of it is kept: the judged method is all that leaves this module.
"""
from __future__ import annotations

from mitmproxy import http

from policy.reading import OVERRIDE_HEADERS, OVERRIDE_PARAMETER, judged_method as judge


def judged_method(request: http.Request) -> str:
    """The method to decide `request` on: "POST" for a GET that says `X-HTTP-Method-Override: POST`."""
    headers = request.headers
    named = [value for name in OVERRIDE_HEADERS for value in headers.get_all(name)]
    path = request.path
    query = path.find("?")
    if query >= 0 and path.find("method", query) >= 0:    # a cheap look at the query; also finds `%5Fmethod`
        named += request.query.get_all(OVERRIDE_PARAMETER)
    return judge(request.method, named, carries_body(request))


def carries_body(request: http.Request) -> bool:
    """True when the request has (or announces) a body of at least one byte."""
    headers = request.headers
    if "transfer-encoding" in headers:
        return True
    length = headers.get("content-length", "0")
    try:
        if int(length) > 0:
            return True
    except ValueError:
        return True                   # unreadable length: assume the worst
    return bool(request.raw_content)  # known once the body has arrived (HTTP/2 needs no length)
