"""`watercooler usage`: minutes per day, user and site with attempt counts, filtered as asked."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from cli.main import main
from storage.db import make_engine, write_connection
from storage.migrate import upgrade
from storage.spool.records import AttemptRecord, MinuteRecord
from storage.writer.apply import apply_batches
from tests.support.cli_run import watercooler

THU, FRI = date(2026, 11, 26), date(2026, 11, 27)
NINE = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
RULES = """\
version: 1
timezone: Europe/Berlin
categories:
  external-social: {label: External social media}
sites:
  facebook: {label: Facebook, category: external-social, domains: [facebook.com]}
  youtube: {label: YouTube, category: external-social, domains: [youtube.com]}
groups:
  marketing: {members: [alice]}
  engineering: {members: [bob]}
rules:
  - name: nudge
    who: [group:marketing, group:engineering]
    sites: [youtube]
    action: warn
default: allow
"""


@pytest.fixture
def recorded(db_url):
    """A database with two days of usage by alice, bob and an anonymous client."""
    def minutes(user, site, day, n):
        start = NINE + timedelta(days=(day - THU).days)
        return [MinuteRecord(user, site, "external-social", start + timedelta(minutes=i), day) for i in range(n)]

    engine = make_engine(db_url)
    upgrade(engine)
    records = (minutes("alice", "facebook", THU, 12) + minutes("alice", "youtube", THU, 3)
               + minutes("bob", "facebook", FRI, 7) + minutes("", "facebook", FRI, 2)
               + [AttemptRecord("alice", "youtube", "nudge", THU, "warned", 4),
                  AttemptRecord("alice", "youtube", "nudge", THU, "continued", 1),
                  AttemptRecord("bob", "tiktok", "", FRI, "blocked", 2)])
    with write_connection(engine) as conn, conn.begin():
        apply_batches(conn, "proxy-1", {"b1": records})
    engine.dispose()
    return db_url


def usage(url, *args, **kwargs):
    return watercooler("usage", "--db", url, "--since", "2026-11-26", "--until", "2026-11-27", *args, **kwargs)


def usage_json(capsys, url, *args) -> list[dict]:
    """The same command in this process (faster than a new interpreter for each filter)."""
    capsys.readouterr()
    assert main(["usage", "--db", url, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_table_shows_minutes_and_attempts_per_day_user_and_site(recorded):
    result = usage(recorded)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[0] == ["DAY", "USER", "SITE", "MINUTES", "BLOCKED", "WARNED", "CONTINUED"]
    assert lines[1:6] == [
        ["2026-11-26", "alice", "facebook", "12", "0", "0", "0"],
        ["2026-11-26", "alice", "youtube", "3", "0", "4", "1"],
        ["2026-11-27", "(anonymous)", "facebook", "2", "0", "0", "0"],
        ["2026-11-27", "bob", "facebook", "7", "0", "0", "0"],
        ["2026-11-27", "bob", "tiktok", "0", "2", "0", "0"]]
    assert result.stdout.splitlines()[-1] == \
        "5 rows from 2026-11-26 to 2026-11-27: 24 active minutes, 2 blocked, 4 warned, 1 continued"


def test_json_and_filters(recorded, capsys):
    both_days = ("--since", "2026-11-26", "--until", "2026-11-27")
    assert usage_json(capsys, recorded, "--user", "bob", *both_days) == [
        {"day": "2026-11-27", "user": "bob", "site": "facebook", "minutes": 7, "blocked": 0, "warned": 0,
         "continued": 0},
        {"day": "2026-11-27", "user": "bob", "site": "tiktok", "minutes": 0, "blocked": 2, "warned": 0,
         "continued": 0}]
    by_site = usage_json(capsys, recorded, "--site", "facebook", *both_days)
    assert [(r["user"], r["minutes"]) for r in by_site] == [("alice", 12), (None, 2), ("bob", 7)]
    one_day = usage_json(capsys, recorded, "--since", "2026-11-27", "--until", "2026-11-27")
    assert {r["day"] for r in one_day} == {"2026-11-27"}
    assert usage_json(capsys, recorded, "--until", "2026-11-26") == usage_json(
        capsys, recorded, "--since", "2026-11-20", "--until", "2026-11-26")      # 7 days by default


def test_group_members_come_from_the_rules(recorded, tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text(RULES)
    marketing = usage_json(capsys, recorded, "--since", "2026-11-26", "--group", "marketing", "--rules", str(tmp_path))
    assert {r["user"] for r in marketing} == {"alice"}
    unknown = usage(recorded, "--group", "sales", "--rules", str(tmp_path))
    assert unknown.returncode == 1
    assert unknown.stderr == f"watercooler usage: no group 'sales' in {tmp_path} (groups: engineering, marketing)\n"


def test_an_empty_period_says_so(recorded):
    result = watercooler("usage", "--db", recorded, "--since", "2025-01-01", "--until", "2025-01-31")
    assert result.returncode == 0 and result.stdout == "No usage recorded from 2025-01-01 to 2025-01-31.\n"


def test_no_database_yet_is_not_an_error(tmp_path):
    result = watercooler("usage", cwd=tmp_path, env={"WATERCOOLER_DATA": str(tmp_path / "data"), "WATERCOOLER_DB": ""})
    assert result.returncode == 0 and "No usage recorded yet" in result.stdout
    assert not (tmp_path / "data" / "watercooler.db").exists()


def test_bad_input_is_one_line(tmp_path):
    bad_date = watercooler("usage", "--since", "yesterday")
    assert bad_date.returncode == 2 and "'yesterday' is not a date; use YYYY-MM-DD" in bad_date.stderr
    (tmp_path / "empty.db").touch()
    no_tables = watercooler("usage", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert no_tables.returncode == 1
    assert "cannot read usage from sqlite:///" in no_tables.stderr and "watercooler db upgrade" in no_tables.stderr
