"""What a directory snapshot costs the proxy: loading it from the database and rebuilding the policy.

    .venv/bin/python bench/directory_snapshot.py [--people N]

Stores a snapshot of N people (default 10,000) in 40 teams of departments nested under one
all-staff group in a SQLite file, then times, median of five: reading the newest snapshot, and
`Policy.with_directory` on the sample rules with every group taken from the directory. The ratio to
compiling the rules without a directory says what a directory change costs a proxy's worker thread
(the event loop does not wait for it).
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import policy
from policy.changes.directory import Directory, DirectoryGroup
from storage.db import make_engine
from storage.directory import snapshots
from storage.migrate import upgrade

RULES = Path(__file__).resolve().parents[1] / "rules"


def directory(people: int) -> Directory:
    teams = {f"cn=team{t},ou=groups,dc=x": DirectoryGroup(
        frozenset(f"person{p:06d}" for p in range(t, people, 40)), frozenset()) for t in range(40)}
    departments = {f"cn=dept{d},ou=groups,dc=x": DirectoryGroup(
        frozenset(), frozenset(f"cn=team{t},ou=groups,dc=x" for t in range(d, 40, 8))) for d in range(8)}
    everyone = {"cn=staff,ou=groups,dc=x": DirectoryGroup(frozenset(), frozenset(departments))}
    return Directory(teams | departments | everyone)


def median_seconds(work, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    people = parser.parse_args().people
    base = policy.load(RULES)
    dns = [f"cn=dept{d % 8},ou=groups,dc=x" for d in range(len(base.doc.groups))]
    groups = {name: dataclasses.replace(group, directory="cn=staff,ou=groups,dc=x" if name == "staff" else dns[i])
              for i, (name, group) in enumerate(base.doc.groups.items())}
    rules = type(base)(dataclasses.replace(base.doc, groups=groups))
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        from sqlalchemy.orm import Session
        with Session(engine) as db:
            snapshots.store(db, directory(people), datetime.now(timezone.utc))
        def read():
            with Session(engine) as db:
                return snapshots.load(db)
        loaded = read()
        reading = median_seconds(read)
        engine.dispose()
    plain = median_seconds(lambda: type(base)(rules.doc))
    filled = median_seconds(lambda: rules.with_directory(loaded))
    assert len(rules.with_directory(loaded).groups_of("person000001")) >= 2
    print(f"{people:,} people in {len(loaded.groups)} directory groups")
    print(f"  read the newest snapshot:      {reading * 1000:8.1f} ms")
    print(f"  compile the rules, no members: {plain * 1000:8.1f} ms")
    print(f"  compile with the snapshot:     {filled * 1000:8.1f} ms  ({filled / plain:.1f}x)")


if __name__ == "__main__":
    main()
