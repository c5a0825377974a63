"""Loopback ports and waiting for conditions without sleeping blindly."""
from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_ports(count: int) -> int:
    """The first of `count` consecutive free TCP ports on 127.0.0.1 (for `watercooler proxy --workers`)."""
    for _ in range(50):
        first = free_port()
        if first + count <= 65536 and all(_bindable(first + i) for i in range(1, count)):
            return first
    raise AssertionError(f"no {count} consecutive free ports found on 127.0.0.1")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def poll[T](condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.02,
         what: str = "the condition") -> T:
    """Call `condition` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)   # the poll interval of a bounded wait, not a synchronisation guess


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def closed(sock: socket.socket) -> bool:
    """Whether the other end has closed `sock` (a plain or TLS socket); never waits more than 10 ms."""
    sock.settimeout(0.01)
    try:
        return sock.recv(4096) == b""
    except (TimeoutError, ssl.SSLWantReadError, BlockingIOError):
        return False
    except OSError:
        return True


def idle_connections(port: int, count: int, first_bytes: bytes = b"") -> list[socket.socket]:
    """`count` connections to 127.0.0.1:`port` that send `first_bytes` (or nothing) and then wait."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if first_bytes:
            sock.sendall(first_bytes)
        sockets.append(sock)
    return sockets
