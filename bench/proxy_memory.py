"""The proxy's memory and open files under load and with many idle connections: a leak shows as growth.

    .venv/bin/python bench/proxy_memory.py [--requests 75000] [--clients 16] [--idle 2000]

Starts `watercooler proxy` (every site allowed, usage in SQLite) on loopback with a local origin, then
prints its resident memory (RSS) and open file descriptors:
1. after a warm-up, after `--requests` plain-HTTP requests, and after as many again: the second round
   must not grow the way the first did (the first fills caches, certificates, the usage database);
2. with `--idle` idle connections open (none sends anything), and after they are closed; twice. After
   the first time memory may stay high (Python keeps what it freed for reuse), but the descriptors
   must come back, and the second time must not add what the first did.
Stops by itself; needs no network beyond 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.loopback_load import start_origin  # noqa: E402
from tests.support.net import free_port, poll, port_open  # noqa: E402

WATERCOOLER = Path(sys.executable).with_name("watercooler")
RULES = "version: 1\ntimezone: UTC\nrules: []\ndefault: allow\n"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


async def requests(proxy: int, ports: list[int], total: int, clients: int) -> None:
    async def one(index: int, count: int) -> None:
        target = f"127.0.0.1:{ports[index % len(ports)]}"
        request = f"GET http://{target}/ HTTP/1.1\r\nHost: {target}\r\n\r\n".encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy)
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
        writer.close()
    await asyncio.gather(*(one(i, total // clients) for i in range(clients)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=75_000, help="plain-HTTP requests per round")
    parser.add_argument("--clients", type=int, default=16, help="keep-alive clients sending them")
    parser.add_argument("--idle", type=int, default=2_000, help="idle connections held open at once")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.idle + 1024)), hard))
    workdir = Path(tempfile.mkdtemp(prefix="wc-memory-"))
    (workdir / "rules").mkdir()
    (workdir / "rules" / "bench.yaml").write_text(RULES)
    origin, ports = start_origin(args.clients)
    port = free_port()
    log = workdir / "proxy.log"
    # The idle connections all come from 127.0.0.1: no cap per address, and longer than the run to send a head.
    with open(log, "wb") as output:      # the proxy writes to its own copy of the descriptor
        proxy = subprocess.Popen([str(WATERCOOLER), "proxy", "--rules", str(workdir / "rules"),
                                  "--listen", f"127.0.0.1:{port}",
                                  "--confdir", str(workdir / "confdir"), "--set", "watercooler_max_per_client=0",
                                  "--set", "watercooler_head_timeout=600"],
                                 stdout=output, stderr=subprocess.STDOUT, cwd=REPO,
                                 env={**os.environ, "WATERCOOLER_DATA": str(workdir / "data")})
    try:
        poll(lambda: port_open(port) and "Watercooler is enforcing" in log.read_text(), timeout=60, what="the proxy")
        print([line for line in log.read_text().splitlines() if "open files:" in line][-1].split("] ", 1)[1])

        def show(what: str) -> tuple[float, int]:
            figures = rss_mb(proxy.pid), open_fds(proxy.pid)
            print(f"{what:<46} RSS {figures[0]:6.1f} MB   open files {figures[1]:5,}", flush=True)
            return figures

        asyncio.run(requests(port, ports, 2_000, args.clients))
        warm, _ = show("after 2,000 requests (warm-up)")
        started = time.monotonic()
        asyncio.run(requests(port, ports, args.requests, args.clients))
        first, _ = show(f"after {args.requests:,} more requests")
        asyncio.run(requests(port, ports, args.requests, args.clients))
        second, _ = show(f"after {args.requests:,} more requests again")
        rate = 2 * args.requests / (time.monotonic() - started)
        print(f"  growth: first round {first - warm:+.1f} MB, second round {second - first:+.1f} MB "
              f"({rate:,.0f} requests/s)")

        before = second
        for round_name in ("", " again"):
            idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(args.idle)]
            poll(lambda: open_fds(proxy.pid) >= args.idle, timeout=60,
                 what="the proxy to accept every idle connection")
            holding, _ = show(f"with {args.idle:,} idle connections open{round_name}")
            for sock in idle:
                sock.close()
            # Back to about what it had before (its own files, a few connections to the origin): no leak.
            poll(lambda: open_fds(proxy.pid) < 64, timeout=60, what="the proxy to let them go")
            after, _ = show("after they closed")
            print(f"  {args.idle:,} idle connections{round_name}: {holding - before:+.1f} MB while open "
                  f"({(holding - before) * 1024 / args.idle:.0f} KB each), {after - before:+.1f} MB after")
            before = after
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        origin.terminate()


if __name__ == "__main__":
    main()
