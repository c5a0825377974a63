"""Proxy throughput with the usage database slowed to 50 ms per write vs a normal one, same run.

    .venv/bin/python bench/proxy_slow_db.py [--clients 16] [--rounds 6] [--seconds 5] [--delay 0.05]

Two Watercooler proxies with `watercooler_db` on PostgreSQL, each through a TCP relay of its own
(tests/support/tcp_relay.py). In every round one relay holds each chunk a proxy sends to its
database for `--delay` seconds and the other relays at full speed; rounds swap the roles, so the two
proxies' own differences cancel out. Both proxies get the same load in the same time window (the
machine's other work hits both alike): `--clients` keep-alive clients each, one user per client
(proxy authentication), alternating a quota site's page (a quota read on every decision; an active
minute and a charge per new minute of a clock running 600x fast) and a blocked site (an attempt
record on every request). Prints requests/s with a slowed and a normal database and their ratio,
target >= 0.95: database work never runs on the request path. Loopback and 127.0.0.1:5432 only;
each proxy writes to a PostgreSQL schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bench.loopback_load import start_origin  # noqa: E402
from bench.proxy_throughput import Proxy  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.usage.tables import ActiveMinute, Attempt  # noqa: E402
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


async def one_client(proxy: int, user: int, deadline: float) -> int:
    """Requests answered before `deadline` (time.time()) on one keep-alive connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy)
    auth = base64.b64encode(f"user{user}:x".encode()).decode()
    requests = [f"GET http://u{user}.{site}/ HTTP/1.1\r\nHost: u{user}.{site}\r\nAccept: text/html\r\n"
                f"Proxy-Authorization: Basic {auth}\r\n\r\n".encode() for site in ("bench.example", "closed.example")]
    done = 0
    while time.time() < deadline:
        writer.write(requests[done % 2])
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        await reader.readexactly(length)
        done += 1
    writer.close()
    return done


def load_main(proxies: list[int], users: list[int], deadline: float, out) -> None:
    async def main() -> list[int]:
        counts = await asyncio.gather(*(one_client(p, u, deadline) for p in proxies for u in users))
        return [sum(counts[i * len(users):(i + 1) * len(users)]) for i in range(len(proxies))]
    out.put(asyncio.run(main()))


def measure_both(proxies: list[int], clients: int, seconds: float, processes: int = 2) -> list[float]:
    """Requests/s of each proxy, loaded side by side during the same `seconds`."""
    out = multiprocessing.Queue()
    users = list(range(clients))
    deadline = time.time() + seconds
    workers = [multiprocessing.Process(target=load_main, args=(proxies, users[i::processes], deadline, out))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    totals = [0] * len(proxies)
    for _ in workers:
        for i, count in enumerate(out.get(timeout=seconds + 120)):
            totals[i] += count
    for worker in workers:
        worker.join(timeout=30)
    return [total / seconds for total in totals]


def start_proxy(workdir: Path, db_port: int, schema: str, ports: list[int]) -> Proxy:
    """A Watercooler proxy whose usage database is PostgreSQL reached through `db_port` (a relay)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{db_port}/test?options=-csearch_path%3D{schema}"
    mapped = [f"--set=watercooler_map_hosts=u{i}.bench.example:80=127.0.0.1:{port}" for i, port in enumerate(ports)]
    return Proxy(workdir, ["-s", str(REPO / "proxy_addons" / "watercooler.py"),
                           "--set", f"watercooler_rules={workdir / 'rules'}", "--set", "connection_strategy=lazy",
                           "--set", "proxyauth=any", "--set", f"watercooler_db={url}",
                           "--set", "watercooler_test_clock=2026-11-23T00:00:00+00:00x600", *mapped],
                 "Watercooler is enforcing")


def compare(proxies: list[Proxy], relays: list[TcpRelay], args) -> None:
    measure_both([p.port for p in proxies], args.clients, 1.0)                  # warm up both
    slowed_total = normal_total = 0.0
    for round_number in range(args.rounds):
        slow = round_number % 2                                                 # swap roles every round
        relays[slow].slow(args.delay)
        relays[1 - slow].slow(0)
        rates = measure_both([p.port for p in proxies], args.clients, args.seconds)
        slowed_total, normal_total = slowed_total + rates[slow], normal_total + rates[1 - slow]
        print(f"round {round_number + 1}: proxy {'AB'[slow]} slowed {rates[slow]:,.0f} requests/s, "
              f"proxy {'AB'[1 - slow]} normal {rates[1 - slow]:,.0f} requests/s", flush=True)
    for relay in relays:
        relay.slow(0)                                                           # let both catch up
    ratio = slowed_total / normal_total
    print(f"slowed database vs normal database: {slowed_total / args.rounds:,.0f} vs "
          f"{normal_total / args.rounds:,.0f} requests/s -> ratio {ratio:.2f} "
          f"(target >= 0.95: {'met' if ratio >= 0.95 else 'MISSED'})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="clients per proxy")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a round")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds each database write is held")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="wc-bench-slowdb-"))
    os.environ["WATERCOOLER_DATA"] = str(workdir / "data")                      # the proxies' spools
    (workdir / "rules").mkdir()
    (workdir / "rules" / "bench.yaml").write_text(RULES)
    origin, ports = start_origin(args.clients)
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    schemas = [f"bench_{secrets.token_hex(4)}" for _ in range(2)]
    with admin.connect() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    proxies: list[Proxy] = []
    try:
        with TcpRelay("127.0.0.1", 5432) as relay_a, TcpRelay("127.0.0.1", 5432) as relay_b:
            proxies = [start_proxy(workdir, relay.port, schema, ports)
                       for relay, schema in ((relay_a, schemas[0]), (relay_b, schemas[1]))]
            print(f"{args.clients} keep-alive clients per proxy, {args.rounds} rounds of {args.seconds:.0f} s, "
                  f"database writes held {args.delay * 1000:.0f} ms per chunk when slowed", flush=True)
            compare(proxies, [relay_a, relay_b], args)
            for proxy in proxies:
                proxy.stop()                              # SIGTERM: each flushes its spool first
            proxies = []
        for name, schema in zip("AB", schemas, strict=True):
            engine = make_engine(f"{PG}?options=-csearch_path%3D{schema}")
            with engine.connect() as conn:
                minutes = conn.scalar(select(func.count()).select_from(ActiveMinute))
                attempts = conn.scalar(select(func.coalesce(func.sum(Attempt.count), 0)))
            engine.dispose()
            print(f"proxy {name}'s database afterwards: {minutes:,} active minutes, {attempts:,} blocked attempts")
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
