"""`watercooler purge`: keeps the last N days of usage, deletes the rest, says how much."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit
from storage.db import make_engine
from storage.migrate import upgrade
from storage.usage.tables import ActiveMinute
from tests.support.cli_run import watercooler


def test_old_usage_goes_recent_usage_stays(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    upgrade(engine)
    today = date.today()
    with Session(engine) as db:
        for age in (0, 5, 200):
            day = today - timedelta(days=age)
            db.add(ActiveMinute(user_name="erin", site="facebook", category="external-social", day=day,
                                minute=datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)))
        db.commit()
    result = watercooler("purge", "--days", "30", "--db", url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Kept the last 30 days of usage, requests and grants 90 days after they end, "
        "the audit 400 days (addresses 90).",
        "Deleted or erased: 1 active_minutes, 0 quota_charges, 0 usage_attempts, 0 group_members, 0 grants, "
        "0 access_requests, 0 outbox, 0 sign_in_counters, "
        "0 audit, 0 audit addresses, 0 audit typed names, 0 audit request texts."]
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(ActiveMinute)) == 2
    engine.dispose()


def test_mistakes_are_one_sentence(tmp_path):
    bad_days = watercooler("purge", "--days", "0", "--db", f"sqlite:///{tmp_path / 'w.db'}")
    assert bad_days.returncode == 2 and "'0' is not a number of days" in bad_days.stderr
    empty = watercooler("purge", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.returncode == 1 and "run `watercooler db upgrade` first" in empty.stderr


def test_the_audit_periods_come_from_the_panels_settings_or_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db:
        audit.record(db, actor=None, action="account created", target="account:erin", source="10.9.9.9")
        db.commit()
    engine.dispose()
    kept = watercooler("purge", "--audit-address-days", "1", "--db", url)
    assert kept.returncode == 0 and "0 audit addresses" in kept.stdout   # recorded just now: a day not yet up
    by_env = watercooler("purge", "--db", url, env={"WATERCOOLER_AUDIT_ADDRESS_DAYS": "7"})
    assert "the audit 400 days (addresses 7)" in by_env.stdout
    bad = watercooler("purge", "--audit-days", "never", "--db", url)
    assert bad.returncode == 2 and "'never' is not a number of days" in bad.stderr
