"""A WSGI app (the panel, or a page of another site) served for real on a free loopback port.

Werkzeug's threaded server runs in a background thread of the tests and stops promptly even while
a browser keeps connections open; `watercooler panel` itself (waitress) is tested in tests/cli.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from werkzeug.serving import make_server

from tests.support.net import free_port, poll, port_open

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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


def signed_in(base_url: str, name: str, password: str) -> httpx.Client:
    """An HTTP client signed in to the panel at `base_url` as `name`, keeping its session cookie."""
    client = httpx.Client(base_url=base_url, timeout=30)
    client.post("/auth/login", data={"name": name, "password": password,
                                     "csrf_token": form_token(client.get("/auth/login").text)})
    assert client.get("/me/").status_code == 200, f"{name} could not sign in"
    return client


def form_token(html: str) -> str:
    """The CSRF token of the first form in a page, as a browser would submit it."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
