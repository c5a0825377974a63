"""WebSocket messages: what the site pushes is read freely, what the client sends writes and costs."""
from __future__ import annotations

import pytest

from proxy_addons.usage.counter import BUSY
from tests.support.proxy_clients import proxy_authorization
from tests.support.proxy_env import charged_minutes
from tests.support.ws_client import BROWSER_WEBSOCKET, WsClient

pytestmark = pytest.mark.e2e
PROXY_PROGRAMS = ("watercooler", "mitmdump")


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


def test_what_the_site_pushes_is_free_and_what_the_client_sends_is_charged(metered):
    env = metered(speed=1)                                              # all of it inside one minute
    reader = WsClient(env.port, "www.reddit.com", "/ws?push=50",
                      headers={**BROWSER_WEBSOCKET, **proxy_authorization(("pia", "pw"))})
    assert reader.status == 101 and [reader.receive() for _ in range(50)][-1] == "news 50"
    writer = WsClient(env.port, "www.reddit.com", "/ws",
                      headers={**BROWSER_WEBSOCKET, **proxy_authorization(("sam", "pw"))})
    for number in range(BUSY):
        writer.send(f"message {number}")
        assert writer.receive() == f"echo: message {number}"
    reader.close()
    writer.close()
    assert charged_minutes(env, "pia", "reddit-budget") == 0
    assert charged_minutes(env, "sam", "reddit-budget") == 1
