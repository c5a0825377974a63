"""Refuse requests whose parts disagree about the host: the disagreement is how a host gets hidden.

A client names the host up to five times: the CONNECT line, the TLS SNI, the request target
(absolute-form or HTTP/2 `:authority`), and one or more Host headers. The policy decides one of them,
the origin may act on another, so all that are present must name the same host (after
canonicalisation: case, trailing dot, IDN, IP spellings). A connection-level disagreement
(CONNECT or SNI vs the request) gets 421 Misdirected Request, which makes browsers retry on a fresh
connection; a request that contradicts itself gets 400.

A CONNECT or SNI that is only an address names no host, so it cannot disagree. Inside a CONNECT to
157.240.1.35, a request for `Host: www.facebook.com` is sent to www.facebook.com, as an ordinary
proxy request for it would be, so the host it is decided on is the host it reaches.
"""
from __future__ import annotations

from dataclasses import dataclass

from mitmproxy import http
from mitmproxy.net.http import url

from policy.engine.hosts import canonical_host, is_address


@dataclass(frozen=True)
class HostProblem:
    status: int                     # 400 or 421
    reason: str                     # a sentence for logs and the X-Watercooler-Reason header


def _same(a: str, b: str) -> bool:
    try:
        return canonical_host(a) == canonical_host(b)
    except ValueError:
        return False


def _names(text: str, canonical: str) -> bool:
    """Whether `text` names the host whose canonical form is `canonical`."""
    try:
        return canonical_host(text) == canonical
    except ValueError:
        return False


def check_hosts(flow: http.HTTPFlow, connect_host: str | None) -> HostProblem | None:
    """The first disagreement among the names this request gives for its host, or None.

    A request inside a CONNECT to a bare address is first re-aimed at the host it names.

    Inside a CONNECT tunnel the target comes from the connection, so a request naming another host
    is misdirected (421: the browser retries on a new connection, as HTTP/2 intends); a plain proxy
    request whose absolute-form URL and Host header disagree contradicts itself (400).
    """
    request = flow.request
    host_headers = [value for name, value in request.headers.fields if name.lower() == b"host"]
    if len(host_headers) > 1:
        return HostProblem(400, "the request has more than one Host header")
    try:
        canonical = canonical_host(request.host)
    except ValueError:
        return HostProblem(400, "the request's host is not a valid host name")
    authority = request.authority
    header = host_headers[0].decode("latin-1") if host_headers else None
    if authority and header is not None and not _same(authority, header):
        return HostProblem(400, "the request's :authority and Host header name different hosts")
    named = authority or header
    if named and not _names(named, canonical) and connect_host is not None and is_address(connect_host) \
            and _names(connect_host, canonical):
        aimed = _aim_at(request, named)
        if aimed is None:
            return HostProblem(400, "the request's Host header is not a valid host name")
        canonical = aimed
    if named and not _names(named, canonical):
        if connect_host is not None:
            return HostProblem(421, "this connection was opened for another host (CONNECT)")
        return HostProblem(400, "the Host header names another host than the request target")
    if connect_host and not _names(connect_host, canonical) and not is_address(connect_host):
        return HostProblem(421, "this connection was opened for another host (CONNECT)")
    sni = flow.client_conn.sni
    if sni and not _names(sni, canonical) and not is_address(sni):
        return HostProblem(421, "this connection was opened for another host (TLS SNI)")
    return None


def _aim_at(request: http.Request, named: str) -> str | None:
    """Send `request` to the host (and port) `named` says; its canonical host, or None if garbage."""
    try:
        host, port = url.parse_authority(named, check=True)
        canonical = canonical_host(host)
    except ValueError:
        return None
    request.data.host = host
    request.data.port = port or (443 if request.scheme == "https" else 80)
    return canonical
