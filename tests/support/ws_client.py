"""A minimal WebSocket client (wsproto) that talks to a site through the proxy with plain HTTP."""
from __future__ import annotations

import socket

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)

# What Chromium sends with a WebSocket handshake (over HTTPS; the tests speak plain HTTP).
BROWSER_WEBSOCKET = {"Sec-Fetch-Mode": "websocket", "Sec-Fetch-Dest": "websocket", "Sec-Fetch-Site": "same-origin"}


class WsClient:
    def __init__(self, proxy_port: int, host: str, path: str = "/ws", timeout: float = 10,
                 headers: dict[str, str] | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", proxy_port), timeout=timeout)
        self.ws = WSConnection(ConnectionType.CLIENT)
        # Absolute-form target: this is how a browser asks an HTTP proxy for ws://host/path.
        extra = [(name.encode(), value.encode()) for name, value in (headers or {}).items()]
        self.sock.sendall(self.ws.send(Request(host=host, target=f"http://{host}{path}", extra_headers=extra)))
        self.status = 0
        self.rejected_body = b""
        self._early: list[str] = []       # messages that arrived together with the handshake's answer
        answered = False
        while not answered:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed during the upgrade")
            self.ws.receive_data(data)
            for event in self.ws.events():
                if isinstance(event, AcceptConnection):
                    self.status, answered = 101, True
                elif isinstance(event, RejectConnection):
                    self.status, answered = event.status_code, not event.has_body
                elif isinstance(event, RejectData):
                    self.rejected_body += event.data
                    answered = event.body_finished
                elif isinstance(event, TextMessage):
                    self._early.append(event.data)

    def send(self, text: str) -> None:
        self.sock.sendall(self.ws.send(Message(data=text)))

    def receive(self) -> str | None:
        """The next text message; None when the connection was closed."""
        if self._early:
            return self._early.pop(0)
        while True:
            for event in self.ws.events():
                if isinstance(event, TextMessage):
                    return event.data
                if isinstance(event, CloseConnection):
                    return None
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.ws.receive_data(data)

    def close(self) -> None:
        self.sock.close()
