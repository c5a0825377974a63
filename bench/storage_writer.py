"""Usage writer throughput: minute records per second into SQLite and into PostgreSQL.

    .venv/bin/python bench/storage_writer.py [--records 200000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

For each database: a fresh `DatabaseUsageSink` (spool, writer thread, quota cache) in a temporary
data folder; `--records` distinct active minutes (half of them also charged to a quota rule, as the
proxy does for quota sites) are handed to the sink as fast as one thread can, then the clock runs
until the database has every one of them (`flush`). Prints the cost of a sink call on the proxy's
event loop (it only queues) and the end-to-end records per second, spool fsyncs included.
PostgreSQL runs in a schema of its own, dropped at the end; it is skipped when unreachable.
"""
from __future__ import annotations

import argparse
import logging
import secrets
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sqlalchemy import create_engine, func, select, text  # noqa: E402

from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.usage.tables import ActiveMinute  # noqa: E402
from storage.writer.sink import DatabaseUsageSink  # noqa: E402

START = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)
USERS = 2000


def run(url: str, records: int) -> None:
    upgrade(url)                                   # schema first: the figure is the writer's alone
    folder = Path(tempfile.mkdtemp(prefix="wc-bench-writer-"))
    sink = DatabaseUsageSink(url, data=folder, node="bench", zone="Europe/Berlin")
    calls = 0
    began = time.perf_counter()
    for i in range(records):
        user, minute = f"user{i % USERS}", START + timedelta(minutes=i // USERS)
        sink.minute(user, "facebook", "external-social", minute, "social-budget" if i % 2 else None)
        calls += 1
    queued = time.perf_counter()
    if not sink.flush(timeout=600):
        raise SystemExit(f"{url}: the database did not take everything within 10 minutes")
    done = time.perf_counter()
    status = sink.status()
    sink.close()
    written = status["written"]
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = conn.scalar(select(func.count()).select_from(ActiveMinute))
    engine.dispose()
    kind = url.split(":", 1)[0]
    print(f"{kind}: {records:,} minutes ({written:,} rows with the quota charges) stored in {done - began:.2f} s "
          f"-> {written / (done - began):,.0f} records/s; a sink call on the event loop: "
          f"{(queued - began) / calls * 1e6:.1f} µs; rows found afterwards: {stored:,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="wc-bench-sqlite-"))
    run(f"sqlite:///{folder / 'watercooler.db'}", args.records)
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    schema = f"bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # a benchmark without PostgreSQL still reports SQLite
        print(f"postgresql: skipped, not reachable at {args.pg} ({str(exc).splitlines()[0]})")
        return
    try:
        run(f"{args.pg}?options=-csearch_path%3D{schema}", args.records)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
