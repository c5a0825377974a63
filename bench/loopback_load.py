"""Load on loopback for the proxy benchmarks: an origin that answers "ok", keep-alive clients, CPU time.

The origin answers on many ports (mitmproxy keeps at most 5 connections per server address), plain or
TLS. Clients speak raw HTTP/1.1 over asyncio, through the proxy in absolute form or inside a CONNECT
tunnel, and count the answers they get within a time window that every load process shares.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import ssl
import time
from pathlib import Path

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
        pass
    writer.close()


def origin_main(count: int, cert: str, key: str, tls: bool, ports) -> None:
    """Process target: answer on `count` ports until terminated; puts the list of ports once listening.

    The ports are the system's choice (port 0): a port picked in advance could be taken, e.g. by a
    client's ephemeral port, before the origin binds it."""
    async def main() -> None:
        context = None
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
        servers = [await asyncio.start_server(_answer, "127.0.0.1", 0, ssl=context, backlog=256) for _ in range(count)]
        ports.put([server.sockets[0].getsockname()[1] for server in servers])
        await asyncio.Event().wait()
    asyncio.run(main())


def start_origin(count: int, cert: str = "", key: str = "",
                 tls: bool = False) -> tuple[multiprocessing.Process, list[int]]:
    """An origin process answering on `count` loopback ports, and those ports."""
    ports = multiprocessing.Queue()
    origin = multiprocessing.Process(target=origin_main, args=(count, cert, key, tls, ports), daemon=True)
    origin.start()
    return origin, ports.get(timeout=30)


async def client(proxy: int, host: str, port: int, mode: str, start: float, stop: float) -> int:
    """Answers received between `start` and `stop` (time.time()) on one keep-alive connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy)
    if mode == "http":
        request = f"GET http://{host}:{port}/ HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    else:
        writer.write(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE   # measuring, not verifying
        await writer.start_tls(context, server_hostname=host)
        request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    answered = 0
    while (now := time.time()) < stop:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        answered += now >= start           # connections and TLS are set up before the window opens
    writer.close()
    return answered


def load_main(proxy: int, targets: list[tuple[str, int]], mode: str, start: float, stop: float, out) -> None:
    """Process target: one client per target, all in the same window; puts the total answered."""
    async def main() -> int:
        return sum(await asyncio.gather(*(client(proxy, host, port, mode, start, stop) for host, port in targets)))
    out.put(asyncio.run(main()))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process (all its threads) has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def split_cpus() -> tuple[set[int], set[int]] | None:
    """(CPUs for the proxies, CPUs for everything else), or None when there are fewer than two."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    return ({cpus[-1]}, set(cpus[:-1])) if len(cpus) >= 2 else None
