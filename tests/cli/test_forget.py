"""`watercooler forget NAME`: asks first, forgets on SQLite and PostgreSQL alike, says what it removed,
and names the spool files that still hold the person."""
from __future__ import annotations

import os
import pty
import subprocess
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.audit import AuditRecord
from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute
from tests.support.cli_run import ROOT, WATERCOOLER, watercooler

NAME = "ulla.b"


def _with_usage(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db:
        for person in (NAME, "vera"):
            db.add(ActiveMinute(user_name=person, site="facebook", category="external-social", day=date(2026, 11, 2),
                                minute=datetime(2026, 11, 2, 9, tzinfo=timezone.utc)))
        db.commit()
    engine.dispose()


def _people(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.scalars(select(ActiveMinute.user_name)))
    finally:
        engine.dispose()


def test_forget_with_yes_removes_the_person_and_says_what_went(db_url, tmp_path):
    _with_usage(db_url)
    result = watercooler("forget", NAME, "--yes", "--db", db_url, env={"WATERCOOLER_DATA": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Forgot {NAME}; the audit trail now says forgotten-")
    assert "  active_minutes: 1" in lines and "  accounts: 0" in lines
    assert _people(db_url) == ["vera"]
    engine = make_engine(db_url)
    with engine.connect() as conn:
        entry = conn.execute(select(AuditRecord.action, AuditRecord.target, AuditRecord.after)).one()
    engine.dispose()
    assert entry.action == "person forgotten" and NAME not in str(tuple(entry))
    assert entry.after["active_minutes"] == 1


def test_without_yes_it_asks_and_a_wrong_answer_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _with_usage(url)
    piped = watercooler("forget", NAME, "--db", url, stdin="yes\n")
    assert piped.returncode == 2 and "add --yes" in piped.stderr
    controller, terminal = pty.openpty()
    try:
        os.write(controller, b"vera\n")
        asked = subprocess.run([str(WATERCOOLER), "forget", NAME, "--db", url], cwd=ROOT, stdin=terminal,
                               capture_output=True, text=True, timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    assert asked.returncode == 1 and "Nothing was changed." in asked.stdout
    assert _people(url) == [NAME, "vera"]


def test_spool_files_still_holding_the_person_are_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    _with_usage(url)
    node = tmp_path / "data" / "spool" / "proxy-1"
    node.mkdir(parents=True)
    (node / "0000000003.jsonl").write_text(f'{{"batch": "b", "type": "minute", "user": "{NAME}", "n": 1}}\n')
    result = watercooler("forget", NAME, "--yes", "--db", url, env={"WATERCOOLER_DATA": str(tmp_path / "data")})
    assert result.returncode == 3
    assert f"{node / '0000000003.jsonl'} still holds 1 record of {NAME}" in result.stderr
    assert _people(url) == ["vera"]   # the database part is done all the same
