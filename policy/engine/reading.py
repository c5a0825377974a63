"""What `read-only` lets through: reading, judged on everything that can make a request write.

The verb alone is not enough. Frameworks take a method named in a header (`X-HTTP-Method-Override`
and the like) or a `_method` parameter as the real one, a GET can carry a body, and a WebSocket
carries messages in both directions after a GET handshake. The proxy hands over what it saw and
judges the method this returns, so the decision, its trace and the logs all name the write.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

READING = ("GET", "HEAD", "OPTIONS")          # the read methods, in the order words list them
READ_METHODS = frozenset(READING)
PAGE_LOADS = frozenset({"GET", "HEAD"})       # the reads that can load a page (OPTIONS never does)
WEBSOCKET_MESSAGE = "WebSocket message"      # a message from the client: it writes to the site
OVERRIDE_HEADERS = ("x-http-method-override", "x-http-method", "x-method-override")
OVERRIDE_PARAMETER = "_method"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z-]{0,19}")    # what a method looks like; anything else is not repeated


def reads(method: str) -> bool:
    return method.upper() in READ_METHODS


def judged_method(method: str, named: Iterable[str] = (), body: bool = False) -> str:
    """The method a read-only rule judges: `method`, unless a read asks to be taken as a write.

    `named` holds the methods the request names besides its verb (override headers, `_method`); the
    first that is not a read method is the one judged (a value that is not even a method's name, as
    "another method", so no client text reaches a log). Otherwise a read carrying a body is judged
    as "GET with a body". A write stays a write whatever it names.
    """
    if not reads(method):
        return method
    for name in named:
        name = name.strip()
        if name and not reads(name):
            return name.upper() if _TOKEN.fullmatch(name) else "another method"
    return f"{method} with a body" if body else method
