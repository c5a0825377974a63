"""A loopback HTTP server that keeps every JSON body posted to it (and can answer with an error)."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Received(list):
    status = 204          # what the receiver answers; set to 500 to refuse


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, Received]]:
    """(URL, the bodies received so far) while the block runs."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if received.status < 300:
                received.append((self.headers.get("Content-Type"), json.loads(body)))
            self.send_response(received.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/watercooler", received
    finally:
        server.shutdown()
        server.server_close()
