"""The team usage page with 10 million minute records in PostgreSQL: target under 300 ms.

Creates a scratch database on the PostgreSQL server (dropped at the end), migrates it, fills
`active_minutes` server-side with generate_series (USERS people, DAYS days, the rest of the rows spread
over their working hours; each day half of a group shares one site and half the next, so the page
has figures of at least 5 people to show) plus a few attempts, writes a policy with groups of GROUP_SIZE people, and
times GET /team/usage for one group through the real Flask app (signed in as an admin), after one
warm-up request. Prints the median and its ratio to the target.

    .venv/bin/python bench/panel_team_usage.py                    # 10,000,000 rows
    .venv/bin/python bench/panel_team_usage.py --rows 1000000 --runs 20
"""
from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from storage.db import make_engine
from storage.migrate import upgrade
from storage.sign_in.accounts import new_user

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET_MS = 300.0
USERS, DAYS, GROUP_SIZE = 400, 90, 10
SITES = ["facebook", "instagram", "linkedin", "youtube", "reddit", "forum", "chat"]
TODAY = date(2026, 11, 26)


def policy_yaml() -> str:
    def members(g: int) -> str:
        return ", ".join(f"u{u}" for u in range(g * GROUP_SIZE, (g + 1) * GROUP_SIZE))
    groups = "\n".join(f"  team{g}: {{members: [{members(g)}]}}" for g in range(USERS // GROUP_SIZE))
    sites = "\n".join(f"  {name}: {{category: {'internal-social' if name in ('forum', 'chat') else 'external-social'}, "
                      f"domains: [{name}.example]}}" for name in SITES)
    return (f"version: 1\ntimezone: Europe/Berlin\ncategories:\n  external-social: {{label: External}}\n"
            f"  internal-social: {{label: Community, internal: true}}\nsites:\n{sites}\ngroups:\n{groups}\n"
            "rules:\n  - {name: budget, who: [group:team0], sites: [category:external-social], action: quota, "
            "quota: {minutes: 30, per: day}}\ndefault: allow\n")


def fill(url: str, rows: int) -> float:
    per_day = max(1, rows // (USERS * DAYS))
    first = datetime.combine(TODAY - timedelta(days=DAYS - 1), datetime.min.time(), timezone.utc) + timedelta(hours=6)
    sites = "ARRAY[" + ", ".join(f"'{s}'" for s in SITES) + "]"
    started = time.perf_counter()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"""
            INSERT INTO active_minutes (user_name, site, category, minute, day)
            SELECT 'u' || u, ({sites})[1 + (d + u % 2 + k / 40) % {len(SITES)}],
                   CASE WHEN (d + u % 2 + k / 40) % {len(SITES)} >= {len(SITES) - 2}
                        THEN 'internal-social' ELSE 'external-social' END,
                   ts, (ts AT TIME ZONE 'Europe/Berlin')::date
            FROM generate_series(0, {USERS - 1}) AS u, generate_series(0, {DAYS - 1}) AS d,
                 generate_series(0, {per_day - 1}) AS k,
                 LATERAL (SELECT TIMESTAMPTZ '{first.isoformat()}' + d * INTERVAL '1 day'
                                 + k * INTERVAL '1 minute') AS t(ts)
        """))
        conn.execute(text(f"""
            INSERT INTO usage_attempts (user_name, site, rule, day, kind, count)
            SELECT 'u' || u, 'facebook', 'budget', DATE '{TODAY.isoformat()}' - d, 'blocked', 1 + u % 3
            FROM generate_series(0, {USERS - 1}) AS u, generate_series(0, {DAYS - 1}) AS d
        """))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does after a bulk load: index-only scans work
        count = conn.execute(text("SELECT count(*) FROM active_minutes")).scalar()
    engine.dispose()
    print(f"filled {count:,} minute records ({per_day} per person per day, {USERS} people, {DAYS} days) "
          f"in {time.perf_counter() - started:.0f} s")
    return count


def measure(url: str, runs: int) -> list[float]:
    from web import create_app
    from web.db import db

    folder = Path(tempfile.mkdtemp())
    (folder / "rules").mkdir()
    (folder / "rules" / "policy.yaml").write_text(policy_yaml())
    app = create_app({"DB": url, "DATA": str(folder), "SECRET_KEY": "bench", "RULES": str(folder / "rules"),
                      "DB_SETUP": "none", "WTF_CSRF_ENABLED": False,
                      "CLOCK": lambda: datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)})
    with app.app_context():
        db().add(new_user("bench-admin", "admin", "bench password", must_change=False))
        db().commit()
    client = app.test_client()
    client.post("/auth/login", data={"name": "bench-admin", "password": "bench password"})
    path = "/team/usage?group=team7&week=2026-11-23"
    page = client.get(path)
    assert page.status_code == 200 and "active minutes this week" in page.get_data(as_text=True), page.status_code
    print("page:", re.search(r"\d+ people · [\d,]+ active minutes this week", page.get_data(as_text=True)).group(0))
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    name = f"watercooler_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(make_engine(url))
        fill(url, args.rows)
        timings = measure(url, args.runs)
        median = statistics.median(timings)
        print(f"team usage page: median {median:.0f} ms over {args.runs} requests (p90 "
              f"{statistics.quantiles(timings, n=10)[-1]:.0f} ms); target {TARGET_MS:.0f} ms; "
              f"median/target = {median / TARGET_MS:.2f}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
