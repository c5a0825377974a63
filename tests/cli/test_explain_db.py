"""`watercooler explain` explains what is enforced: the database's adjustments, grants and minutes used."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.orm import Session

from storage.changes.access import Grant
from storage.changes.adjustments import Adjustment
from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import QuotaCharge
from tests.support.cli_run import RULES, watercooler

THURSDAY = date(2026, 11, 26)
AT_UTC = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)     # 11:00 in Berlin: work time
NO_DEFAULT_DB = {"WATERCOOLER_DB": "", "WATERCOOLER_DATA": "/nonexistent/watercooler-data"}


def _company(url: str, charged: int) -> None:
    """Marketing's budget set to 20 minutes, alice.krueger has `charged` minutes today, bob.hartmann a grant."""
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db:
        db.add(Adjustment(rule="social-budget", group_name="marketing", minutes=20, set_by="carol.schmitt",
                          set_at=AT_UTC - timedelta(days=1)))
        db.add(Grant(user_name="bob.hartmann", site="facebook", starts_at=AT_UTC - timedelta(hours=1),
                     expires_at=AT_UTC + timedelta(hours=2), granted_by="carol.schmitt"))
        start = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)
        db.add_all(QuotaCharge(user_name="alice.krueger", rule="social-budget", minute=start + timedelta(minutes=i),
                               day=THURSDAY) for i in range(charged))
        db.commit()
    engine.dispose()


def _explain(*args: str):
    return watercooler("explain", "--url", "https://www.instagram.com/", "--at", "2026-11-26T11:00", *args,
                       str(RULES), env=NO_DEFAULT_DB)


def test_explain_uses_the_adjustments_grants_and_minutes_the_proxy_enforces(db_url):
    _company(db_url, charged=20)
    shown = _explain("--user", "alice.krueger", "--db", db_url)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "BLOCKED: GET https://www.instagram.com/"
    assert lines[2].startswith("  using 1 adjustment, 0 grants and 20 minutes used today from ")
    assert "  Quota        External social media budget: 0 of 20 min left today, shared by " in shown.stdout
    rules_only = _explain("--user", "alice.krueger", "--rules-only")
    assert rules_only.stdout.splitlines()[0] == "ALLOWED: GET https://www.instagram.com/"
    assert "  Quota        External social media budget: 30 of 30 min left today, shared by " in rules_only.stdout
    assert "using" not in rules_only.stdout.splitlines()[2]

    granted = _explain("--user", "bob.hartmann", "--db", db_url, "--json")
    decision = json.loads(granted.stdout)
    assert decision["action"] == "allow" and decision["using"].startswith("using 1 adjustment, 1 grant and ")
    given = _explain("--user", "alice.krueger", "--db", db_url, "--used", "5")
    assert given.stdout.splitlines()[0] == "ALLOWED: GET https://www.instagram.com/"
    assert "and 5 minutes used today (given with --used) from " in given.stdout


def test_batch_reads_each_persons_minutes(db_url):
    _company(db_url, charged=12)
    lines = "\n".join(json.dumps({"user": user, "url": "https://www.instagram.com/", "at": "2026-11-26T11:00"})
                      for user in ("alice.krueger", "nora.lange"))
    result = watercooler("explain", "--batch", "-", "--db", db_url, str(RULES), stdin=lines, env=NO_DEFAULT_DB)
    quotas = [json.loads(line)["quota"] for line in result.stdout.splitlines()]
    assert [(quota["used"], quota["limit"]) for quota in quotas] == [(12, 20), (0, 20)]


def test_without_a_database_it_says_it_used_the_rules_only_and_a_named_one_must_exist(tmp_path):
    default = _explain("--user", "alice.krueger")
    assert default.returncode == 0
    assert default.stdout.splitlines()[2] == \
        "  using the rules only: no database at /nonexistent/watercooler-data/watercooler.db yet"
    named = _explain("--user", "alice.krueger", "--db", f"sqlite:///{tmp_path}/none.db")
    assert named.returncode == 1 and named.stdout == ""
    assert named.stderr == (f"watercooler explain: no database at {tmp_path}/none.db: give the database the "
                            "proxy and the panel use, or --rules-only\n")
    (tmp_path / "empty.db").write_bytes(b"")
    empty = _explain("--user", "alice.krueger", "--db", f"sqlite:///{tmp_path}/empty.db")
    assert empty.returncode == 1 and "watercooler db upgrade" in empty.stderr
