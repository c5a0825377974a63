"""The panel purges old usage at start and then daily, and survives a database that fails."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from storage.usage.tables import ActiveMinute
from tests.support.net import poll
from web.db import db
from web.retention import purge_once, start_purger


def _minute(age_days: int) -> ActiveMinute:
    day = date.today() - timedelta(days=age_days)
    return ActiveMinute(user_name="erin", site="facebook", category="external-social", day=day,
                        minute=datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc))


def _ages(app) -> list[int]:
    with app.app_context():
        return sorted((date.today() - row.day).days for row in db().scalars(select(ActiveMinute)))


def test_the_retention_setting_decides_what_goes(app):
    app.config["RETENTION_DAYS"] = 10
    with app.app_context():
        db().add_all([_minute(0), _minute(9), _minute(10), _minute(100)])
        db().commit()
    assert purge_once(app)["active_minutes"] == 2
    assert _ages(app) == [0, 9]


def test_the_background_purger_runs_at_start(app):
    with app.app_context():
        db().add_all([_minute(1), _minute(365)])
        db().commit()
    stop = start_purger(app, every=3600)
    try:
        poll(lambda: _ages(app) == [1], timeout=10, what="the purge at start")
    finally:
        stop.set()


def test_the_panels_audit_settings_decide_what_the_audit_keeps(app):
    from sqlalchemy import insert

    from storage.audit import AuditRecord
    from storage.utc import utcnow

    with app.app_context():
        for age in (3, 10):
            db().execute(insert(AuditRecord).values(at=utcnow() - timedelta(days=age), actor="mia", action="x",
                                                    target=f"age:{age}", source="10.2.2.2"))
        db().commit()
    app.config.update(AUDIT_ADDRESS_DAYS=2, AUDIT_RETENTION_DAYS=5)
    assert (purge_once(app)["audit"], purge_once(app)["audit addresses"]) == (1, 0)   # the second finds none left
    with app.app_context():
        assert db().execute(select(AuditRecord.target, AuditRecord.source)).all() == [("age:3", None)]
