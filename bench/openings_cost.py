"""What telling the truth about openings costs a refusal, on the sample company.

    .venv/bin/python bench/openings_cost.py [--requests N]

For refused requests of many people at times across two weeks: the median time of `decide` alone,
of `decide` and reading its `reason` (the usual week, worked out by walking the engine forward; cached
per kind of request and day, so the first of a day pays it), and of `decide` and its next opening
(`opens`, walked forward once per piece of the timeline, as every moment of a piece opens alike). A
refusal is also a page to render and send, so these are the extra costs of a block page, not of a
request that is let through.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy.engine.engine import Policy
from policy.loading.loader import load_doc

URLS = ["https://x.com/", "https://www.facebook.com/", "https://www.linkedin.com/", "https://www.youtube.com/"]


def refusals(policy: Policy, count: int, rng: random.Random) -> list[tuple]:
    people = sorted(set().union(*(group.members for group in policy.doc.groups.values()))) + ["zed", None]
    start = datetime(2026, 11, 23, tzinfo=policy.timezone)
    found = []
    while len(found) < count:
        user, url = rng.choice(people), rng.choice(URLS)
        at = start + timedelta(minutes=rng.randrange(14 * 24 * 60))
        method = rng.choice(["GET", "POST"])
        if policy.decide(user, url, at, method=method, used_minutes=30).action == "block":
            found.append((user, url, at, method))
    return found


def timed(policy: Policy, requests: list[tuple], read: str | None) -> float:
    times = []
    for user, url, at, method in requests:
        begin = time.perf_counter()
        decision = policy.decide(user, url, at, method=method, used_minutes=30)
        if read:
            getattr(decision, read)
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    rules = Path(__file__).resolve().parents[1] / "rules"
    requests = refusals(Policy(load_doc(rules)), args.requests, random.Random(7))
    alone = timed(Policy(load_doc(rules)), requests, None)
    cold_policy = Policy(load_doc(rules))
    cold = [timed(cold_policy, [request], "reason") for request in requests[:50]]
    warm = timed(cold_policy, requests, "reason")
    opens = timed(Policy(load_doc(rules)), requests, "opens")
    print(f"{len(requests)} refusals on the sample company (median per request)")
    print(f"  decide alone:                 {alone:8.1f} µs")
    print(f"  decide + reason, first of its kind that day: {statistics.median(cold):8.1f} µs")
    print(f"  decide + reason, cached:      {warm:8.1f} µs  ({warm / alone:.1f}x decide)")
    print(f"  decide + next opening:        {opens:8.1f} µs  ({opens / alone:.1f}x decide)")


if __name__ == "__main__":
    main()
