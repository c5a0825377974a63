"""Proxy throughput with the usage database slowed to 50 ms per write vs a normal one, same run.

    .venv/bin/python bench/proxy_slow_db.py [--clients 16] [--rounds 3] [--delay 0.05]

Two Watercooler proxies with `watercooler_db` on PostgreSQL, each through a TCP relay of its own
(tests/support/tcp_relay.py): one relays at full speed, the other holds every chunk the proxy sends
to the database for `--delay` seconds. Every request writes: the clients (one user each, proxy
authentication) alternate a quota site's page (an active minute and a quota charge per new minute
of a clock running 600x fast, and a quota read on every decision) and a blocked site (an attempt
record each). Prints both throughputs and their ratio, target >= 0.95: database work never runs on
the request path. Loopback and 127.0.0.1:5432 only; each proxy writes to a schema dropped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bench.proxy_throughput import Proxy, origin_main  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.usage import ActiveMinute, Attempt  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.tcp_relay import TcpRelay  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RULES = """version: 1
timezone: UTC
categories: {bench: {label: Bench}}
sites:
  budget: {label: Budget site, category: bench, domains: [bench.example]}
  closed: {label: Closed site, category: bench, domains: [closed.example]}
rules:
  - {name: bench-closed, sites: [closed], action: block}
  - {name: bench-budget, sites: [budget], action: quota, quota: {minutes: 10000, per: week}}
default: allow
"""


async def one_client(proxy: int, user: int, count: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy)
    auth = base64.b64encode(f"user{user}:x".encode()).decode()
    requests = [f"GET http://u{user}.{site}/ HTTP/1.1\r\nHost: u{user}.{site}\r\nAccept: text/html\r\n"
                f"Proxy-Authorization: Basic {auth}\r\n\r\n".encode() for site in ("bench.example", "closed.example")]
    for i in range(count):
        writer.write(requests[i % 2])
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
    writer.close()


def load_main(proxy: int, users: list[int], count: int, out) -> None:
    async def main() -> None:
        await asyncio.gather(*(one_client(proxy, user, count) for user in users))
    asyncio.run(main())
    out.put(len(users) * count)


def measure(proxy: int, clients: int, count: int, processes: int = 2) -> float:
    asyncio.run(one_client(proxy, 0, 4))                                     # warm up
    out = multiprocessing.Queue()
    users = list(range(clients))
    workers = [multiprocessing.Process(target=load_main, args=(proxy, users[i::processes], count, out))
               for i in range(processes)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    return sum(out.get(timeout=5) for _ in workers) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=200, help="requests per client per round")
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wc-bench-slowdb-"))
    os.environ["WATERCOOLER_DATA"] = str(workdir / "data")                  # the proxies' spools
    (workdir / "rules").mkdir()
    (workdir / "rules" / "bench.yaml").write_text(RULES)
    ports = [free_port() for _ in range(args.clients)]
    ready = multiprocessing.Event()
    origin = multiprocessing.Process(target=origin_main, args=(ports, "", "", False, ready), daemon=True)
    origin.start()
    ready.wait(30)
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    schemas = [f"bench_{secrets.token_hex(4)}" for _ in range(2)]
    with admin.connect() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxies: list[Proxy] = []
    try:
        with TcpRelay("127.0.0.1", 5432) as normal, TcpRelay("127.0.0.1", 5432) as slow:
            for relay, schema in ((normal, schemas[0]), (slow, schemas[1])):
                url = f"postgresql+psycopg://postgres@127.0.0.1:{relay.port}/test?options=-csearch_path%3D{schema}"
                proxies.append(Proxy(workdir, [
                    "-s", str(REPO / "proxy_addons" / "watercooler.py"), "--set", f"watercooler_rules={workdir / 'rules'}",
                    "--set", "connection_strategy=lazy", "--set", "proxyauth=any", "--set", f"watercooler_db={url}",
                    "--set", "watercooler_test_clock=2026-11-23T00:00:00+00:00x600",
                    *[f"--set=watercooler_map_hosts=u{i}.bench.example:80=127.0.0.1:{port}" for i, port in enumerate(ports)],
                ], "Watercooler is enforcing"))
            slow.slow(args.delay)
            print(f"{args.clients} keep-alive clients, {args.count} requests each per round, median of "
                  f"{args.rounds} rounds; database writes of the second proxy delayed {args.delay * 1000:.0f} ms "
                  "per chunk", flush=True)
            fast_runs, slow_runs = [], []
            for _ in range(args.rounds):
                fast_runs.append(measure(proxies[0].port, args.clients, args.count))
                slow_runs.append(measure(proxies[1].port, args.clients, args.count))
            print("rounds (normal / slowed): " + ", ".join(f"{a:,.0f} / {b:,.0f}" for a, b in zip(fast_runs, slow_runs)))
            fast, slowed = statistics.median(fast_runs), statistics.median(slow_runs)
            ratio = slowed / fast
            print(f"slowed database vs normal database: {slowed:,.0f} vs {fast:,.0f} requests/s -> ratio "
                  f"{ratio:.2f} (target >= 0.95: {'met' if ratio >= 0.95 else 'MISSED'})", flush=True)
            slow.slow(0)                                   # let the slowed proxy catch up before it stops
            for proxy in proxies:
                proxy.stop()
            proxies = []
        for name, schema in zip(("normal", "slowed"), schemas):
            engine = make_engine(f"{PG}?options=-csearch_path%3D{schema}")
            with engine.connect() as conn:
                minutes = conn.scalar(select(func.count()).select_from(ActiveMinute))
                attempts = conn.scalar(select(func.coalesce(func.sum(Attempt.count), 0)))
            engine.dispose()
            print(f"{name} database afterwards: {minutes:,} active minutes, {attempts:,} blocked attempts", flush=True)
    finally:
        for proxy in proxies:
            proxy.stop()
        origin.terminate()
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
