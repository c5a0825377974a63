"""`stream_large_bodies`, applied by Watercooler per flow, after the request is decided.

mitmproxy's own streaming starts sending a request body over the limit to the site before the
`request` hook, and once a body streams the proxy can no longer answer in its place; a flow told not
to stream (`flow.request.stream = False`) is switched back on by mitmproxy as soon as its buffered
body passes the limit. So Watercooler takes the option over: it keeps the size, sets mitmproxy's copy
to None (logged), and at `requestheaders`, once the request is decided and allowed, streams its body
when it is larger than the limit or of unknown length (chunked). Bodies the proxy needs (a Continue
form, a read-only site's requests) and requests the proxy answers itself are never streamed.
Responses over the limit (or of unknown length) are streamed as mitmproxy would.
"""
from __future__ import annotations

import logging

from mitmproxy import http
from mitmproxy.net.http.http1 import expected_http_body_size
from mitmproxy.utils import human

logger = logging.getLogger("watercooler")


class BodyStreaming:
    def __init__(self) -> None:
        self.limit: int | None = None      # bytes; None: nothing is streamed
        self._clearing = False

    def take(self, options) -> None:
        """Take `stream_large_bodies` over from mitmproxy (ValueError on a bad size)."""
        if self._clearing:                 # our own update below, not the user's
            return
        value = options.stream_large_bodies
        self.limit = human.parse_size(value) if value else None
        if value is None:
            return
        logger.warning("stream_large_bodies=%s: Watercooler streams bodies over %s itself, after each request is "
                       "decided (mitmproxy's own streaming sends a request body to the site before Watercooler has "
                       "decided it); mitmproxy's stream_large_bodies is now unset", value, value)
        self._clearing = True
        try:
            options.update(stream_large_bodies=None)
        finally:
            self._clearing = False

    def request(self, flow: http.HTTPFlow) -> None:
        """An allowed request whose body the proxy does not need: stream it if it is large."""
        if _over(flow.request, None, self.limit):
            flow.request.stream = True

    def response(self, flow: http.HTTPFlow) -> None:
        response = flow.response
        if response is not None and response.raw_content is None and _over(flow.request, response, self.limit):
            response.stream = True


def _over(request: http.Request, response: http.Response | None, limit: int | None) -> bool:
    if limit is None:
        return False
    try:
        size = expected_http_body_size(request, response)
    except ValueError:                     # malformed lengths: mitmproxy refuses those itself
        return False
    return size is None or size < 0 or size > limit
