"""Local origin servers standing in for www.facebook.com and friends: plain HTTP or HTTPS, on loopback.

Every request is recorded (method, Host header, path), so a test can prove a blocked request never
reached the site. `/ws` speaks WebSocket (echo) for the upgrade tests; `/ws?push=N` first pushes N
messages of its own, as a live feed does. Every WebSocket message the origin receives is recorded too.
"""
from __future__ import annotations

import base64
import hashlib
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from wsproto.frame_protocol import CloseReason, FrameProtocol, Opcode

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


@dataclass(frozen=True)
class Seen:
    method: str
    host: str
    path: str
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:   # keep test output clean
        pass

    def _record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.seen.append(Seen(self.command, self.headers.get("Host", ""), self.path, body))
        return body

    def _answer(self) -> None:
        self._record()
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self._websocket()
        body = (f"<!doctype html><title>origin</title><p>origin page for {self.headers.get('Host', '')}"
                f" {self.command} {self.path}</p>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Origin", "test-origin")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def _websocket(self) -> None:
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        frames = FrameProtocol(client=False, extensions=[])
        pushes = int(self.path.partition("push=")[2] or 0)
        for number in range(1, pushes + 1):
            self.connection.sendall(frames.send_data(f"news {number}", fin=True))
        while True:
            data = self.connection.recv(65536)
            if not data:
                break
            frames.receive_bytes(data)
            for frame in frames.received_frames():
                if frame.opcode is Opcode.CLOSE:
                    self.connection.sendall(frames.close(CloseReason.NORMAL_CLOSURE))
                    self.close_connection = True
                    return
                if frame.opcode is Opcode.TEXT:
                    with self.server.lock:
                        self.server.ws_received.append(frame.payload)
                    self.connection.sendall(frames.send_data("echo: " + frame.payload, fin=True))
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls = tls
        self.seen: list[Seen] = []
        self.ws_received: list[str] = []     # WebSocket text messages from clients
        self.accepted = 0             # TCP connections, whether or not a request followed
        self.lock = threading.Lock()


    def get_request(self):
        request = super().get_request()
        with self.lock:
            self.accepted += 1
        return request

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake runs in the request's own thread, so a silent client never stalls accept().
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


class Origin:
    """One origin server in a background thread; `port`, `seen`, `clear()`, `close()`."""

    def __init__(self, cert_pem: str | None = None, key_pem: str | None = None) -> None:
        tls = None
        if cert_pem:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(cert_pem, key_pem)
        self._server = _Server(tls)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    @property
    def accepted(self) -> int:
        with self._server.lock:
            return self._server.accepted

    @property
    def ws_received(self) -> list[str]:
        with self._server.lock:
            return list(self._server.ws_received)

    def seen_for(self, host: str) -> list[Seen]:
        return [s for s in self.seen if s.host.split(":")[0] == host]

    def clear(self) -> None:
        with self._server.lock:
            self._server.seen.clear()
            self._server.ws_received.clear()
            self._server.accepted = 0

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
