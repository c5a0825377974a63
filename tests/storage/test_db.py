"""The engine factory: SQLite in the data folder by default, PostgreSQL on request, clear errors."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import StorageError, describe, make_engine, resolve_url


def test_the_default_is_sqlite_in_the_data_folder_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("WATERCOOLER_DB", raising=False)
    monkeypatch.setenv("WATERCOOLER_DATA", str(tmp_path / "data"))
    engine = make_engine()
    try:
        assert engine.url.database == str(tmp_path / "data" / "watercooler.db")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "data" / "watercooler.db").exists()
    finally:
        engine.dispose()


def test_without_a_data_folder_setting_it_is_dot_data(monkeypatch, tmp_path):
    monkeypatch.delenv("WATERCOOLER_DB", raising=False)
    monkeypatch.delenv("WATERCOOLER_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_url().database == str(tmp_path / "data" / "watercooler.db")


def test_watercooler_db_chooses_the_database(monkeypatch):
    monkeypatch.setenv("WATERCOOLER_DB", "postgresql://usage@db.corp.example/watercooler")
    assert resolve_url().render_as_string() == "postgresql+psycopg://usage@db.corp.example/watercooler"
    assert resolve_url("sqlite:////srv/wc.db").database == "/srv/wc.db"   # an explicit URL wins


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg_3(scheme):
    assert resolve_url(f"{scheme}://u@h:5432/d").drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url, message", [
    ("not a url", "invalid database URL 'not a url': use sqlite:///PATH or postgresql+psycopg://"),
    ("mysql://root:pw@db/wc", "unsupported database 'mysql' in mysql://root:***@db/wc: use sqlite:///PATH"),
    ("sqlite://", "invalid database URL 'sqlite://': SQLite needs a file path; use sqlite:///PATH"),
    ("sqlite:///:memory:", "invalid database URL 'sqlite:///:memory:': SQLite needs a file path"),
])
def test_bad_urls_are_one_clear_sentence(url, message):
    with pytest.raises(StorageError) as caught:
        resolve_url(url)
    assert str(caught.value).startswith(message)


def test_passwords_never_appear_in_descriptions():
    assert describe("postgresql+psycopg://usage:hunter2@db/wc") == "postgresql+psycopg://usage:***@db/wc"


def test_a_data_folder_that_cannot_be_created_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the data folder"):
        make_engine(f"sqlite:///{blocker / 'sub' / 'watercooler.db'}")


def test_postgresql_connects(pg_database):
    engine = make_engine(pg_database)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()

