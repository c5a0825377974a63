from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask

from web.clock import now


def test_the_configured_clock_is_read_in_utc():
    app = Flask(__name__)
    app.config["CLOCK"] = lambda: datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    with app.app_context():
        assert now() == datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)
        assert now().tzinfo == timezone.utc


def test_without_a_clock_it_is_the_real_time():
    app = Flask(__name__)
    with app.app_context():
        before = datetime.now(timezone.utc)
        moment = now()
        assert before <= moment <= datetime.now(timezone.utc) and moment.tzinfo == timezone.utc
