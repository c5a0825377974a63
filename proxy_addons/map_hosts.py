"""Test only: send connections for chosen host names to local origin servers.

`watercooler_map_hosts` entries are `HOST[:PORT]=IP:PORT` or `*:PORT=IP:PORT`. The server address
is swapped just for the TCP connect and restored once connected, so the request, its Host header and
every later request on the connection still carry the real name the policy decides on.
"""
from __future__ import annotations

from collections.abc import Sequence

from mitmproxy.proxy import server_hooks

from policy.engine.hosts import canonical_host


def parse_map(entries: Sequence[str]) -> dict[tuple[str, int | None], tuple[str, int]]:
    mapping: dict[tuple[str, int | None], tuple[str, int]] = {}
    for entry in entries:
        source, sep, target = entry.partition("=")
        host, _, port = source.strip().rpartition(":") if source.count(":") == 1 else (source.strip(), "", "")
        to_host, _, to_port = target.strip().rpartition(":")
        if not sep or not to_host or not to_port.isdigit() or (port and not port.isdigit()):
            raise ValueError(f"watercooler_map_hosts entry {entry!r}: write HOST[:PORT]=IP:PORT, "
                             "e.g. www.facebook.com:443=127.0.0.1:8443 or *:80=127.0.0.1:8080")
        name = host if host == "*" else canonical_host(host)
        mapping[(name, int(port) if port else None)] = (to_host, int(to_port))
    return mapping


class HostMapper:
    def __init__(self) -> None:
        self.mapping: dict[tuple[str, int | None], tuple[str, int]] = {}
        self._original: dict[str, tuple[str, int]] = {}     # server connection id -> real address

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        if not self.mapping or not data.server.address:
            return
        host, port = data.server.address[0], data.server.address[1]
        try:
            name = canonical_host(host)
        except ValueError:
            return
        for key in ((name, port), (name, None), ("*", port), ("*", None)):
            if key in self.mapping:
                self._original[data.server.id] = (host, port)
                data.server.address = self.mapping[key]
                return

    def server_connected(self, data: server_hooks.ServerConnectionHookData) -> None:
        self._restore(data)

    def server_connect_error(self, data: server_hooks.ServerConnectionHookData) -> None:
        self._restore(data)

    def _restore(self, data: server_hooks.ServerConnectionHookData) -> None:
        original = self._original.pop(data.server.id, None)
        if original is not None:
            # mitmproxy refuses to rename an open connection; the socket is connected already and the
            # name is all that later requests on this connection read, so it is restored directly.
            data.server.__dict__["address"] = original
