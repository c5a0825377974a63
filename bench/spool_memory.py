"""What usage held in memory costs while the spool refuses writes (disk full, folder read-only).

    .venv/bin/python bench/spool_memory.py [--extra 10000]

A `DatabaseUsageSink` on SQLite in a temporary folder takes one record, then this process's
RLIMIT_FSIZE is lowered to 0 (SIGXFSZ ignored): every file write fails with EFBIG, as on a full disk.
Then `MAX_HELD + --extra` records are handed to the sink the way the proxy does (each person's name a
string of its own, as each request brings; minutes with quota charges, blocked attempts of distinct
people and sites). Prints how much the process's resident size grew per held record and in total,
and how many records beyond the bound were dropped. `--traced` also counts Python's allocations
with tracemalloc (whose own bookkeeping then inflates the resident size).
"""
from __future__ import annotations

import argparse
import logging
import resource
import signal
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from storage.spool.handoff import MAX_HELD  # noqa: E402
from storage.writer.sink import DatabaseUsageSink  # noqa: E402

START = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)
USERS = 2000


def resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=10_000, help="records beyond the bound")
    parser.add_argument("--traced", action="store_true", help="also count allocations with tracemalloc")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    folder = Path(tempfile.mkdtemp(prefix="wc-bench-spool-memory-"))
    sink = DatabaseUsageSink(f"sqlite:///{folder / 'watercooler.db'}", data=folder, node="bench",
                             max_delay=0.05)
    sink.minute("warm-up", "facebook", "external-social", START, None)
    if not sink.flush(timeout=60):
        raise SystemExit("the database did not take the first record")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    if args.traced:
        tracemalloc.start()
    traced_before, rss_before = tracemalloc.get_traced_memory()[0], resident_kib()
    total, i = MAX_HELD + args.extra, 0
    while i < total:
        user, minute = f"user{i % USERS}", START + timedelta(minutes=i // USERS)
        if i % 10 == 9:
            sink.attempt(f"user{i}", f"site{i}", "no-social-for-guests", "blocked", minute)
            i += 1
        else:
            sink.minute(user, "facebook", "external-social", minute, "social-budget")
            i += 2
    handoff = sink.handoff
    deadline = time.monotonic() + 120
    while handoff.held + handoff.dropped < i and time.monotonic() < deadline:
        time.sleep(0.1)   # the spooler cuts a batch every 0.05 s
    held, dropped = handoff.held, handoff.dropped
    traced = tracemalloc.get_traced_memory()[0] - traced_before
    rss = (resident_kib() - rss_before) * 1024
    tracemalloc.stop()
    print(f"spool refusing writes ({handoff.error}); {i:,} records handed to the sink")
    print(f"held in memory: {held:,} records (bound {MAX_HELD:,}); dropped beyond the bound: {dropped:,}")
    print(f"resident size grew {rss / 2**20:.1f} MiB ({rss / max(held, 1):.0f} bytes per held record)")
    if args.traced:
        print(f"Python allocations: {traced / 2**20:.1f} MiB ({traced / max(held, 1):.0f} bytes per record)")
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    sink.close(timeout=60)


if __name__ == "__main__":
    main()
