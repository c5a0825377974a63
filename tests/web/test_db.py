from __future__ import annotations

import sqlite3

import pytest
from flask import Flask, g
from sqlalchemy import select

from storage.sign_in.accounts import User
from web import db as panel_db


def _app(tmp_path) -> Flask:
    app = Flask(__name__)
    app.config.update(DB=f"sqlite:///{tmp_path / 'panel.db'}", DB_SETUP="create")
    panel_db.init_app(app)
    return app


def test_one_session_per_request_closed_when_it_ends(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        session = panel_db.db()
        assert panel_db.db() is session
        assert session.scalars(select(User)).all() == []          # the tables were created
    with app.app_context():
        assert "db" not in g and panel_db.db() is not session


def test_begin_write_holds_sqlites_write_lock_from_its_start(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        session = panel_db.db()
        session.scalars(select(User)).all()
        assert panel_db.begin_write() is session and session.in_transaction()
        other = sqlite3.connect(tmp_path / "panel.db", timeout=0.1)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("CREATE TABLE elsewhere (id INTEGER)")      # another writer waits its turn
        finally:
            other.close()
        session.rollback()
