"""WebSocket messages: what the site pushes is read freely, what the client sends writes."""
from __future__ import annotations

import pytest

from tests.support.ws_client import WsClient

pytestmark = pytest.mark.e2e


def test_a_read_only_site_can_be_read_over_a_websocket_but_not_written_to(origins):
    feed = WsClient(origins.port, "www.linkedin.com", "/ws?push=3")
    assert feed.status == 101                                           # the handshake is a GET: it reads
    assert [feed.receive() for _ in range(3)] == ["news 1", "news 2", "news 3"]
    feed.send("congrats on the new role!")
    assert feed.receive() is None                                       # closed instead of delivered
    feed.close()
    assert origins.http_origin.ws_received == []
    assert [s.path for s in origins.http_origin.seen] == ["/ws?push=3"]
    origins.proxy.wait_for_log("WebSocket message to www.linkedin.com refused: the site is read-only")


def test_on_other_sites_messages_flow_both_ways(origins):
    chat = WsClient(origins.port, "www.reddit.com", "/ws?push=1")
    assert chat.status == 101 and chat.receive() == "news 1"
    chat.send("hello")
    assert chat.receive() == "echo: hello"
    chat.close()
    assert origins.http_origin.ws_received == ["hello"]

