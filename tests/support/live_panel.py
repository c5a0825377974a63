"""A WSGI app (the panel, or a page of another site) served for real on a free loopback port.

Werkzeug's threaded server runs in a background thread of the tests and stops promptly even while
a browser keeps connections open; `watercooler panel` itself (waitress) is tested in tests/cli.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

from tests.support.net import free_port, poll, port_open


@contextmanager
def serve(app: Callable, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app until the block ends; yields its base URL once it accepts connections."""
    port = free_port()
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True, name=f"wsgi-{port}")
    thread.start()
    try:
        poll(lambda: port_open(port, host), timeout=10, what=f"the server on port {port}")
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
