"""How fast `Policy.decide` is on a large policy, against a naive loop over the rules.

    .venv/bin/python bench/decide.py [--requests N] [--seed S]

Generates a policy with 10,000 domains, 500 rules and 2,000 users (groups that include groups,
networks, schedules, every action), and a mix of requests: popular sites far more often than rare
ones, asset hosts, unknown hosts, anonymous and guest-network clients, reads and posts, used
minutes, times across two weeks; then the same requests once more at arbitrary seconds of thirteen
weeks, as a what-if replay asks. Prints the median `decide` time of both and the ratio to the naive baseline
(`tests/support/naive_engine.py`) on the same policy and requests, after checking that both decide alike.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.policy_gen import generate_doc
from policy.engine.engine import Policy
from tests.support.naive_engine import NaiveEngine


def requests(doc, count: int, rng: random.Random) -> list[tuple]:
    sites = list(doc.sites.values())
    weights = [1 / (rank + 1) for rank in range(len(sites))]       # Zipf: a few sites get most traffic
    users = sorted({user for group in doc.groups.values() for user in group.members})
    start = datetime(2026, 11, 23, tzinfo=timezone.utc)
    made = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.25:
            host = f"host{rng.randrange(5000)}.example.net"              # not a social site
        else:
            site = rng.choices(sites, weights)[0]
            domains = site.bundle if roll < 0.4 and site.bundle else site.domains
            host = rng.choice(["", "www.", "m.", "static.cdn."]) + rng.choice(domains)
        user = None if rng.random() < 0.05 else rng.choice(users)
        ip = f"10.{rng.choice([1, 2, 20])}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        at = start + timedelta(minutes=rng.randrange(14 * 24 * 60))
        method = "POST" if rng.random() < 0.1 else "GET"
        made.append((user, f"https://{host}/path/{rng.randrange(100)}", at, method, ip,
                     rng.randrange(60), rng.random() < 0.3))
    return made


def at_arbitrary_times(mix: list[tuple], rng: random.Random) -> list[tuple]:
    """The same requests at arbitrary seconds of the 13 weeks from the mix's start, as a replay asks
    (it never sees the same minute twice, so nothing learnt at one moment answers the next)."""
    start = datetime(2026, 11, 23, tzinfo=timezone.utc)
    return [(user, url, start + timedelta(seconds=rng.randrange(91 * 24 * 3600)), *rest)
            for user, url, _, *rest in mix]


def timed(decide, batch: list[tuple]) -> list[float]:
    clock = time.perf_counter_ns
    times = []
    for user, url, at, method, ip, used, continued in batch:
        begin = clock()
        decide(user, url, at, method=method, client_ip=ip, used_minutes=used, continued=continued)
        times.append((clock() - begin) / 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--naive", type=int, default=300,
                        help="requests checked against, and timed on, the naive baseline")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    doc = generate_doc(rng)
    started = time.perf_counter()
    policy = Policy.from_doc(doc)
    compile_ms = (time.perf_counter() - started) * 1000
    naive = NaiveEngine(doc)
    mix = requests(doc, args.requests, rng)

    naive_times = []
    for user, url, at, method, ip, used, continued in mix[:args.naive]:
        fast = policy.decide(user, url, at, method=method, client_ip=ip, used_minutes=used, continued=continued)
        begin = time.perf_counter_ns()
        slow = naive.decide(user, url, at, method=method, client_ip=ip, used_minutes=used, continued=continued)
        naive_times.append((time.perf_counter_ns() - begin) / 1000)
        if (fast.action, fast.rule) != slow:
            print(f"engines disagree on {user} {url} {at}: {(fast.action, fast.rule)} vs {slow}", file=sys.stderr)
            return 1

    timed(policy.decide, mix)                         # first pass: compile timelines, fill caches
    ours = statistics.median(timed(policy.decide, mix) + timed(policy.decide, mix))
    fresh = statistics.median(timed(policy.decide, at_arbitrary_times(mix, rng)))
    theirs = statistics.median(naive_times)
    kinds = {policy.decide(*r[:3], method=r[3], client_ip=r[4], used_minutes=r[5], continued=r[6]).action
             for r in mix[:2000]}
    print(f"policy: {sum(len(s.domains) + len(s.bundle) for s in doc.sites.values())} domains, "
          f"{len(doc.rules)} rules, {len({u for g in doc.groups.values() for u in g.members})} users; "
          f"compiled in {compile_ms:.0f} ms; outcomes seen: {', '.join(sorted(kinds))}")
    print(f"decide median {ours:.1f} µs; naive {theirs:.0f} µs; {theirs / ours:.0f}x faster")
    print(f"decide median at arbitrary times (each request once, seconds over 13 weeks): {fresh:.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
