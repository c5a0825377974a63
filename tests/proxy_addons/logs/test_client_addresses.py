"""No client address reaches the proxy's log by default, as docs/privacy.md promises: a real
`watercooler proxy`, clients from two loopback addresses, and the whole output searched afterwards.
With `watercooler_log_addresses=true` the same run shows them (so the search would find a leak)."""
from __future__ import annotations

import logging
import re
import socket
from pathlib import Path

import pytest

from proxy_addons.logs.client_addresses import FILTER, MASK, HideClientAddresses
from tests.support.proxy_process import REPO, ProxyProcess

CLIENTS = ("127.0.0.1", "127.0.0.2")


def _visit(proxy_port: int, source: str) -> None:
    """From `source`: an idle connection the next one pushes out (one per client, so Watercooler's
    connection limits log a close), then a plain-HTTP request and a CONNECT, answers read."""
    idle = socket.create_connection(("127.0.0.1", proxy_port), timeout=10, source_address=(source, 0))
    for request in (b"GET http://www.facebook.com/ HTTP/1.1\r\nHost: www.facebook.com\r\nConnection: close\r\n\r\n",
                    b"CONNECT www.facebook.com:443 HTTP/1.1\r\nHost: www.facebook.com:443\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", proxy_port), timeout=10, source_address=(source, 0)) as conn:
            conn.sendall(request)
            assert conn.recv(65536).startswith(b"HTTP/1.1 ")
            if request.startswith(b"CONNECT"):
                conn.sendall(b"\x16\x03\x01\x00\x05not a hello")   # a broken handshake: mitmproxy logs it
    assert idle.recv(1) == b""   # closed by the proxy to make room
    idle.close()


def _output_after_visits(tmp_path: Path, **options: str) -> str:
    """The proxy's whole output, without its own listening address (where clients connect *to*)."""
    proxy = ProxyProcess(tmp_path, {"watercooler_rules": str(REPO / "rules"),
                                    "watercooler_db": f"sqlite:///{tmp_path / 'watercooler.db'}",
                                    "watercooler_max_per_client": "1", **options},
                         program="watercooler")
    try:
        for source in CLIENTS:
            _visit(proxy.port, source)
    finally:
        proxy.stop()   # everything the proxy had to say about those connections is in the log now
    return proxy.log().replace(f"127.0.0.1:{proxy.port}", "LISTEN")


@pytest.mark.e2e
def test_by_default_no_client_address_is_in_the_proxys_output(tmp_path):
    output = _output_after_visits(tmp_path)
    assert "Watercooler is enforcing" in output and "log_addresses=False" in output
    for address in CLIENTS:
        assert address not in output, output
    assert not re.search(r"\bclient (dis)?connect$", output, re.M), output   # mitmproxy's per-connection lines
    assert "closed a connection from (client): room was needed" in output   # Watercooler's own line, masked


@pytest.mark.e2e
def test_asked_for_troubleshooting_the_addresses_are_logged(tmp_path):
    output = _output_after_visits(tmp_path, watercooler_log_addresses="true")
    assert "log_addresses=True" in output
    for address in CLIENTS:
        assert f"[{address}:" in output and "client connect" in output
    # repeats within 10 s are summarised under the first line's text: one of the two addresses shows
    assert re.search(r"closed a connection from 127\.0\.0\.[12]: room was needed", output), output


def _record(message: str, client) -> logging.LogRecord:
    record = logging.LogRecord("mitmproxy.proxy.server", logging.INFO, __file__, 1, message, None, None)
    record.client = client
    return record


def test_a_record_repeating_the_address_is_masked_and_loses_its_tag():
    hide = HideClientAddresses()
    record = _record("TLS handshake with 10.1.2.3 failed", ("10.1.2.3", 50312))
    assert hide.filter(record) and record.getMessage() == f"TLS handshake with {MASK} failed"
    assert record.client is None
    assert not hide.filter(_record("client connect", ("10.1.2.3", 50312)))
    assert hide.filter(_record("server connect example.com:443", None))


def test_the_filter_sits_on_mitmproxys_tagging_loggers_once(tmp_path):
    from proxy_addons.logs.client_addresses import TAGGING_LOGGERS, install

    install(show=False)
    install(show=False)
    for name in TAGGING_LOGGERS:
        assert logging.getLogger(name).filters.count(FILTER) == 1
