"""`watercooler db upgrade`, run as an admin would: creates the schema, says so, errors in one line."""
from __future__ import annotations

from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import head_revision
from tests.support.cli_run import watercooler
from tests.support.net import free_port


def test_upgrade_creates_the_schema_and_a_second_run_has_nothing_to_do(db_url):
    first = watercooler("db", "upgrade", "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert f"upgraded from empty to revision {head_revision()}." in first.stdout
    engine = make_engine(db_url)
    assert "active_minutes" in inspect(engine).get_table_names()
    engine.dispose()
    again = watercooler("db", "upgrade", "--db", db_url)
    assert again.returncode == 0 and f"is up to date (revision {head_revision()})." in again.stdout


def test_without_db_it_uses_the_data_folder(tmp_path):
    result = watercooler("db", "upgrade", cwd=tmp_path, env={"WATERCOOLER_DATA": str(tmp_path / "var"),
                                                             "WATERCOOLER_DB": ""})
    assert result.returncode == 0, result.stderr
    assert f"sqlite:///{tmp_path / 'var' / 'watercooler.db'} upgraded from empty" in result.stdout


def test_an_unreachable_database_is_one_line_and_exit_1():
    result = watercooler("db", "upgrade", "--db", f"postgresql://wc:secret@127.0.0.1:{free_port()}/wc")
    assert result.returncode == 1
    assert result.stderr.startswith("watercooler db upgrade: cannot upgrade the database "
                                    "postgresql+psycopg://wc:***@127.0.0.1:")
    assert result.stderr.count("\n") == 1 and "secret" not in result.stderr


def test_a_bad_url_names_the_accepted_forms():
    result = watercooler("db", "upgrade", "--db", "mysql://root@db/wc")
    assert result.returncode == 1
    assert "unsupported database 'mysql'" in result.stderr and "postgresql+psycopg://" in result.stderr
