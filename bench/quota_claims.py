"""Claiming quota minutes in the database: how long a waiting request waits, and how many claims
one proxy's claim threads make per second.

    .venv/bin/python bench/quota_claims.py [--claims 4000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: `--claims` claims of distinct (person, minute) pairs, one at a time (the wait a
request sees: median and 99th percentile), then the same number from 4 threads at once, as the
proxy's claim pool makes them (claims per second). Budgets have room, so every claim inserts. Then the
cost on the event loop of `QuotaGate.check` for a person who needs no claim. PostgreSQL runs in a
schema of its own, dropped at the end; it is skipped when unreachable.
"""
from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sqlalchemy import create_engine, text  # noqa: E402

from proxy_addons.usage.memory_sink import MemorySink  # noqa: E402
from proxy_addons.usage.quota_gate import QuotaGate  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.quota.claims import claim_minute  # noqa: E402

DAY_START = datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)
USERS = 500


def claim(engine, i: int) -> bool:
    minute = DAY_START + timedelta(hours=8, minutes=i // USERS)
    return claim_minute(engine, f"user{i % USERS}", "social-budget", DAY_START, minute, minute.date(), 60).granted


def run(url: str, claims: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    waits = []
    for i in range(claims):
        began = time.perf_counter()
        claim(engine, i)
        waits.append(time.perf_counter() - began)
    began = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        granted = sum(pool.map(lambda i: claim(engine, i), range(claims, 2 * claims)))
    elapsed = time.perf_counter() - began
    engine.dispose()
    waits.sort()
    print(f"{url.split(':', 1)[0]}: one claim waits {statistics.median(waits) * 1e3:.2f} ms "
          f"(p99 {waits[int(len(waits) * 0.99)] * 1e3:.2f} ms); 4 threads: {granted / elapsed:,.0f} claims/s",
          flush=True)


def check_cost(calls: int = 200_000) -> None:
    gate = QuotaGate()
    gate.sink = MemorySink()
    quota = SimpleNamespace(limit=60, remaining=30, period_start=DAY_START)
    decision = SimpleNamespace(action="allow", rule="social-budget", rule_action="quota", quota=quota,
                               site="facebook", bundle=False)
    at = DAY_START + timedelta(hours=8)
    began = time.perf_counter()
    for _ in range(calls):
        gate.check("alice", decision, at)
    print(f"QuotaGate.check with no claim needed: {(time.perf_counter() - began) / calls * 1e6:.2f} µs a call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=4000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    run(f"sqlite:///{Path(tempfile.mkdtemp(prefix='wc-bench-claims-')) / 'watercooler.db'}", args.claims)
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        print(f"postgresql: skipped ({str(exc).splitlines()[0]})")
    else:
        try:
            run(f"{args.pg}?options=-csearch_path%3D{schema}", args.claims)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
    check_cost()


if __name__ == "__main__":
    main()
