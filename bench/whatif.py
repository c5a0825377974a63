"""How fast `watercooler whatif` replays a week of a 2,000-person company, and in how much memory.

    .venv/bin/python bench/whatif.py [--db URL] [--seed S] [--per-day MIN]

Generates (once, then reuses) a database with one week of usage: 2,000 people each using a few
favourite sites of the benchmark policy (`bench/policy_gen.py`: 10,000 domains, 500 rules) in sessions
of 5 to 40 minutes, about 140 minutes a day each (≈ 2 million minute records), with blocked attempts.
Then replays the week through the policy and a draft of it (budgets halved, some actions changed)
and prints the time, minutes per second, and the peak resident memory of the process, then how long
the panel's view of the report takes and how much of it can be shown.
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from bench.policy_gen import generate_doc
from policy.engine.engine import Policy
from policy.model import Quota
from policy.whatif.shown import public
from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute, Attempt
from storage.whatif.run import replay_usage

MONDAY = date(2026, 11, 23)
DAYS = 7


def draft_of(doc, rng: random.Random):
    """Budgets halved; one rule in ten of the others becomes a block or an allow."""
    rules = []
    for rule in doc.rules:
        if rule.quota is not None:
            rule = replace(rule, quota=Quota(max(1, rule.quota.minutes // 2), rule.quota.per))
        elif rng.random() < 0.1 and rule.action in ("allow", "warn", "read-only"):
            rule = replace(rule, action=rng.choice(["block", "allow"]))
        rules.append(rule)
    return replace(doc, rules=tuple(rules))


def fill(engine, doc, rng: random.Random, per_day: int) -> None:
    """One week of usage, written in chunks (memory stays small)."""
    sites = [site for site in doc.sites.values() if not doc.categories[site.category].internal]
    weights = [1 / (rank + 1) for rank in range(len(sites))]
    users = sorted({user for group in doc.groups.values() for user in group.members})
    with engine.begin() as conn:
        for user in users:
            favourites = rng.choices(sites, weights, k=4)
            minutes, attempts = {}, []
            for offset in range(DAYS):
                day = MONDAY + timedelta(days=offset)
                start = datetime(day.year, day.month, day.day, 6, tzinfo=timezone.utc)
                used = 0
                while used < per_day:
                    site = rng.choice(favourites)
                    begin = start + timedelta(minutes=rng.randrange(14 * 60))
                    for i in range(rng.randrange(5, 41)):
                        minutes[(site.name, begin + timedelta(minutes=i))] = (site.category, day)
                    used += 20
                attempts.append({"user_name": user, "site": favourites[0].name, "rule": "", "day": day,
                                 "kind": "blocked", "count": rng.randrange(1, 6)})
            conn.execute(insert(ActiveMinute), [
                {"user_name": user, "site": site, "category": category, "minute": minute, "day": day}
                for (site, minute), (category, day) in minutes.items()])
            conn.execute(insert(Attempt), attempts)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a SQLite file in /tmp, made once per seed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-day", type=int, default=140, help="minutes of use per person and day")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    doc = generate_doc(rng)
    draft = draft_of(doc, rng)
    url = args.db or f"sqlite:////tmp/watercooler-bench-whatif-{args.seed}-{args.per_day}.db"
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(ActiveMinute))
    if not count:
        started = time.perf_counter()
        fill(engine, doc, rng, args.per_day)
        with engine.connect() as conn:
            count = conn.scalar(select(func.count()).select_from(ActiveMinute))
        print(f"generated {count:,} minute records in {time.perf_counter() - started:.1f} s")
    current, drafted = Policy.from_doc(doc), Policy.from_doc(draft)
    before = peak_mib()
    started, cpu = time.perf_counter(), time.process_time()
    report = replay_usage(engine, current, drafted, MONDAY, MONDAY + timedelta(days=DAYS - 1))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    print(f"database: {engine.url.get_backend_name()}, {count:,} minute records, 2 policies "
          f"({len(doc.rules)} rules, {sum(len(s.domains) for s in doc.sites.values()):,} domains)")
    print(f"replayed {report.minutes:,} minutes in {took:.1f} s ({report.minutes / took:,.0f} minutes/s; "
          f"{cpu:.1f} s of CPU in this process, the database's own work on SQLite included); "
          f"{report.changed:,} change outcome ({report.changed_share:.1f}%), {report.attempts:,} attempts")
    started = time.perf_counter()
    view = public(report, 5)
    took = time.perf_counter() - started
    print(f"the panel's view (figures of 5 or more people, totals of shown ones) in {took:.2f} s: "
          f"{view.changed:,} of {report.changed:,} changed minutes behind shown figures, "
          f"{sum(1 for b in view.groups.values() if any(c.value for c in b.cells.values()))} of "
          f"{len(report.groups)} groups with a row")
    print(f"peak RSS {peak_mib():.0f} MiB (before the replay: {before:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
