"""Revision 0009_request_loop: requests may then be withdrawn or expire (and nothing else), grants carry
minutes and who ended them, the outbox exists; downgrading drops what the old schema cannot hold."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine, write_connection
from storage.migrate import alembic_config, upgrade
from storage.utc import utcnow


def _downgrade(engine, revision: str) -> None:
    config = alembic_config()
    with write_connection(engine) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _ask(conn, status: str) -> None:
    conn.execute(text("INSERT INTO access_requests (user_name, site, reason, hours, status, created_at) "
                      "VALUES ('erin', 'facebook', 'ads', 8, :status, :now)"), {"status": status, "now": utcnow()})


def test_withdrawn_and_expired_are_states_and_nothing_else_is(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0008_directory")
        with write_connection(engine) as conn, conn.begin():
            _ask(conn, "approved")
        upgrade(engine)
        with write_connection(engine) as conn, conn.begin():
            _ask(conn, "withdrawn")
            _ask(conn, "expired")
        with pytest.raises(IntegrityError), write_connection(engine) as conn, conn.begin():
            _ask(conn, "forgotten")
        with engine.connect() as conn:
            assert sorted(conn.scalars(text("SELECT status FROM access_requests"))) == [
                "approved", "expired", "withdrawn"]
        assert {"minutes", "ended_by", "ending_told_at"} <= {c["name"] for c in inspect(engine).get_columns("grants")}
        assert "outbox" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_downgrading_keeps_the_requests_the_old_schema_can_hold(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with write_connection(engine) as conn, conn.begin():
            _ask(conn, "declined")
            _ask(conn, "withdrawn")
        _downgrade(engine, "0008_directory")
        with engine.connect() as conn:
            assert list(conn.scalars(text("SELECT status FROM access_requests"))) == ["declined"]
        assert "outbox" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
