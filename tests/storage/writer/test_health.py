"""The database's health as the proxy reports it: a stall (connection open, no answer) is logged once,
shown on the panel's status page with the records waiting, and its end is logged once; the driver's
warnings about cut connections are counted instead of logged."""
from __future__ import annotations

import html
import json
import logging
import re

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from storage.db import make_engine
from storage.migrate import upgrade
from storage.sign_in.accounts import new_user
from storage.usage.tables import Attempt
from storage.writer.health import DRIVER_NOISE, DbHealth
from tests.support.net import poll
from tests.support.outage import database_outage
from tests.support.proxy_clients import http_via_proxy
from tests.support.tcp_relay import TcpRelay
from tests.web.conftest import PASSWORD, AuthActions
from web import create_app
from web.db import db

STALL_AFTER = 3
# The status page's row for this machine's proxy: state (and error), since, records waiting in the spool.
UP_AND_EMPTY = re.compile(r"\bup [\d-]+ [\d:]+ 0 records")
STALLED = re.compile(r"\bstalled [^|]*?[\d-]+ [\d:]+ (\d+) records")


def page(host: str) -> bytes:
    return (f"GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n"
            "Connection: close\r\n\r\n").encode()


def blocked_attempts(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.coalesce(func.sum(Attempt.count), 0)))
    finally:
        engine.dispose()


def status_page(app) -> str:
    client = app.test_client()
    AuthActions(client).login("ada")
    body = client.get("/admin/status").get_data(as_text=True)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_stalled_database_is_logged_once_shown_with_its_backlog_and_its_end_logged_once(
        pg_url, tmp_path, monkeypatch):
    from tests.support.proxy_env import start_env

    data = tmp_path / "data"
    monkeypatch.setenv("WATERCOOLER_DATA", str(data))
    upgrade(pg_url)
    with database_outage(pg_url) as (proxy_url, relay):
        env = start_env(tmp_path / "proxy", options={"watercooler_db": proxy_url,
                                                     "watercooler_db_stall_after": str(STALL_AFTER)},
                        program="watercooler")
        app = create_app({"TESTING": True, "DB": pg_url, "DATA": str(data), "SECRET_KEY": "test",
                          "RULES": str(env.rules), "DB_SETUP": "upgrade"})
        with app.app_context():
            db().add(new_user("ada", "admin", PASSWORD, must_change=False))
            db().commit()
        try:
            blocked = sum(http_via_proxy(env.port, page("www.facebook.com")).status == 403 for _ in range(3))
            poll(lambda: blocked_attempts(pg_url) == blocked, timeout=20, what="the first blocks to be stored")
            assert UP_AND_EMPTY.search(status_page(app))
            assert env.proxy.log().count("usage is stored in") == 1     # one sink, one spool slot

            relay.stall()
            before_stall = len(env.proxy.log())
            blocked += sum(http_via_proxy(env.port, page("www.facebook.com")).status == 403 for _ in range(3))
            env.proxy.wait_for_log("stalled: no answer for 3 s", timeout=STALL_AFTER + 10, after=before_stall)
            report = next(data.glob("spool/*/health.json"))
            waiting = poll(lambda: (r := json.loads(report.read_text()))["state"] == "stalled" and r["spooled"],
                           timeout=10, what="the health report to show the stall")
            shown = STALLED.search(status_page(app))
            assert shown and int(shown.group(1)) >= waiting > 0
            # Still stalled, still serving: more blocks, and not one more line about the stall.
            blocked += sum(http_via_proxy(env.port, page("www.facebook.com")).status == 403 for _ in range(3))
            poll(lambda: json.loads(report.read_text())["spooled"] > waiting, timeout=10, what="the backlog to grow")
            assert env.proxy.log()[before_stall:].count("stalled: no answer") == 1

            relay.resume()
            env.proxy.wait_for_log("reachable again after", timeout=20, after=before_stall)
            poll(lambda: (r := json.loads(report.read_text()))["state"] == "up" and r["spooled"] == 0,
                 timeout=20, what="the backlog to drain")
            poll(lambda: blocked_attempts(pg_url) == blocked, timeout=20, what="every block to be stored")
            assert UP_AND_EMPTY.search(status_page(app))
            assert env.proxy.log()[before_stall:].count("reachable again") == 1
        finally:
            relay.resume()
            env.stop()
    assert blocked == 9


@pytest.mark.postgres
def test_the_drivers_warnings_about_a_cut_pipeline_are_counted_and_told_once(pg_database, caplog):
    url = make_url(pg_database)
    with TcpRelay(url.host, url.port) as relay:
        conn = psycopg.connect(host="127.0.0.1", port=relay.port, user=url.username, dbname=url.database)
        with pytest.raises(psycopg.OperationalError), conn.pipeline():
            conn.execute("SELECT 1")
            relay.cut()           # the connection goes while the pipeline still has work in it
            conn.execute("SELECT pg_sleep(0.1)").fetchall()
        conn.close()
    assert "error ignored terminating" not in caplog.text
    assert DRIVER_NOISE.count >= 1
    health = DbHealth("the test database", "the spool")
    health.down(OSError("connection cut"))
    with caplog.at_level(logging.WARNING, logger="watercooler.storage"):
        health.up(7)
    assert re.search(r"reachable again after \d+ s down; catching up on 7 spooled records "
                     r"\(\d+ interrupted batch\(es\) are retried from the spool\)", caplog.text)
    assert DRIVER_NOISE.count == 0
