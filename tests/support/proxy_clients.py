"""Clients that go through the proxy the way browsers do, and report what they saw (status, certificate)."""
from __future__ import annotations

import base64
import http.client
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes

# The Fetch metadata Chromium sends over HTTPS: a page the user opens, and a script's fetch()/XHR.
NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none",
              "Sec-Fetch-User": "?1", "Accept": "text/html,application/xhtml+xml"}
FETCH = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "same-origin",
         "Accept": "application/json"}


@dataclass
class Seen:
    status: int
    headers: dict[str, str]
    body: bytes
    cert_fingerprint: bytes | None = None      # SHA-256 of the certificate the client was shown
    cert_issuer: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def proxy_authorization(auth: tuple[str, str]) -> dict[str, str]:
    """The `Proxy-Authorization` header for (user, password)."""
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    return {"Proxy-Authorization": f"Basic {token}"}


def _auth_header(auth: tuple[str, str] | None) -> str:
    return "".join(f"{name}: {value}\r\n" for name, value in proxy_authorization(auth).items()) if auth else ""


def open_tunnel(proxy_port: int, host: str, port: int = 443, auth: tuple[str, str] | None = None,
                timeout: float = 10) -> tuple[socket.socket, int, bytes]:
    """Send CONNECT; returns the socket, the proxy's status and the raw answer head."""
    sock = socket.create_connection(("127.0.0.1", proxy_port), timeout=timeout)
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n{_auth_header(auth)}\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return sock, status, head


def keep_alive_tunnel(proxy_port: int, host: str, cafile: Path,
                      auth: tuple[str, str] | None = None) -> ssl.SSLSocket:
    """An HTTPS connection through CONNECT, verified against `cafile`, that has carried one GET of the
    origin's page and stays open for more (`get_on`)."""
    sock, status, _ = open_tunnel(proxy_port, host, auth=auth)
    assert status == 200
    tls = ssl.create_default_context(cafile=str(cafile)).wrap_socket(sock, server_hostname=host)
    status, body = get_on(tls, host)
    assert status == 200 and b"origin page" in body
    return tls


def get_on(tls: ssl.SSLSocket, host: str, path: str = "/") -> tuple[int, bytes]:
    """One more GET on an open keep-alive connection: the status and the body."""
    tls.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n\r\n".encode())
    response = http.client.HTTPResponse(tls)
    response.begin()
    return response.status, response.read()


def https_via_proxy(proxy_port: int, host: str, path: str = "/", *, cafiles: list[Path], method: str = "GET",
                    headers: dict[str, str] | None = None, body: bytes = b"", sni: str | None = None,
                    auth: tuple[str, str] | None = None, connect_host: str | None = None,
                    connect_port: int = 443) -> Seen:
    """One HTTPS request through a CONNECT tunnel, verifying the server against `cafiles`.

    `sni=""` sends no SNI at all (as for a bare address); the certificate's names are then not checked."""
    sock, status, head = open_tunnel(proxy_port, connect_host or host, connect_port, auth=auth)
    if status != 200:
        sock.close()
        text = head.split(b"\r\n\r\n", 1)
        return Seen(status, _parse_headers(text[0]), text[1] if len(text) > 1 else b"")
    context = ssl.create_default_context()
    for cafile in cafiles:
        context.load_verify_locations(cafile=str(cafile))
    context.check_hostname = sni is None or sni == host
    tls = context.wrap_socket(sock, server_hostname=None if sni == "" else sni or host)
    der = tls.getpeercert(binary_form=True)
    cert = x509.load_der_x509_certificate(der)
    request_headers = {"Host": host, "Accept": "text/html", "Connection": "close", **(headers or {})}
    if body:
        request_headers["Content-Length"] = str(len(body))
    lines = "".join(f"{k}: {v}\r\n" for k, v in request_headers.items())
    tls.sendall(f"{method} {path} HTTP/1.1\r\n{lines}\r\n".encode() + body)
    response = http.client.HTTPResponse(tls)
    response.begin()
    seen = Seen(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(),
                cert.fingerprint(hashes.SHA256()), cert.issuer.rfc4514_string())
    tls.close()
    return seen


class HttpsTab:
    """One keep-alive HTTPS connection to `host` through CONNECT, as a browser tab holds one open."""

    def __init__(self, proxy_port: int, host: str, *, cafiles: list[Path], auth: tuple[str, str] | None = None,
                 timeout: float = 10) -> None:
        context = ssl.create_default_context()
        for cafile in cafiles:
            context.load_verify_locations(cafile=str(cafile))
        self.host = host
        self.conn = http.client.HTTPSConnection("127.0.0.1", proxy_port, timeout=timeout, context=context)
        self.conn.set_tunnel(host, 443, headers=proxy_authorization(auth) if auth else None)

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> Seen:
        self.conn.request(method, path, body=body, headers={"Host": self.host, **headers})
        response = self.conn.getresponse()
        return Seen(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())

    def close(self) -> None:
        self.conn.close()


def http_via_proxy(proxy_port: int, raw_request: bytes) -> Seen:
    """Send a hand-written plain-HTTP proxy request (absolute-form etc.) and read the answer."""
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=10) as sock:
        sock.sendall(raw_request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Seen(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())


def _parse_headers(head: bytes) -> dict[str, str]:
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if value:
            headers[name.strip().lower()] = value.strip()
    return headers


def h2_via_proxy(proxy_port: int, host: str, headers: list[tuple[str, str]], *, cafiles: list[Path],
                 body: bytes = b"") -> int:
    """One HTTP/2 request (the given pseudo-headers and headers, in order, then `body` in DATA frames
    whatever the headers announce) through CONNECT; its status."""
    import h2.config
    import h2.connection
    import h2.events

    sock, status, _ = open_tunnel(proxy_port, host)
    assert status == 200, status
    context = ssl.create_default_context()
    for cafile in cafiles:
        context.load_verify_locations(cafile=str(cafile))
    context.set_alpn_protocols(["h2"])
    tls = context.wrap_socket(sock, server_hostname=host)
    assert tls.selected_alpn_protocol() == "h2"
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True,
                                                                       validate_outbound_headers=False))
    conn.initiate_connection()
    conn.send_headers(1, headers, end_stream=not body)
    if body:
        conn.send_data(1, body, end_stream=True)
    tls.sendall(conn.data_to_send())
    try:
        while True:
            data = tls.recv(65536)
            if not data:
                return 0
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    return int(dict(event.headers)[b":status"])
                if isinstance(event, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                    return -1
            tls.sendall(conn.data_to_send())
    finally:
        tls.close()
