"""Migrations: an empty database and every earlier revision reach the newest schema, which is exactly
what the models describe, on SQLite and on PostgreSQL; concurrent starts upgrade once."""
from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from storage.db import StorageError, make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import metadata
from tests.support.net import free_port

USAGE_TABLES = {"active_minutes", "quota_charges", "usage_attempts", "usage_batches", "proxy_nodes"}


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_revision_ids_are_the_agreed_ones():
    assert _revisions()[0] == "0001_usage"
    assert head_revision() == _revisions()[-1]


def test_an_empty_database_upgrades_to_a_schema_that_matches_the_models(db_url):
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= USAGE_TABLES
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        assert upgrade(engine) == head_revision()   # a second run has nothing to do
    finally:
        engine.dispose()


@pytest.mark.parametrize("start", _revisions()[:-1] or ["0001_usage"])
def test_every_earlier_revision_upgrades_to_head(db_url, start):
    engine = make_engine(db_url)
    try:
        assert upgrade(engine, start) == start
        assert upgrade(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= USAGE_TABLES
    finally:
        engine.dispose()


def test_proxies_starting_together_upgrade_once_without_errors(db_url):
    results, errors = [], []

    def start():
        try:
            results.append(upgrade(db_url))
        except Exception as exc:   # collected: the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results == [head_revision()] * 4


def test_an_unreachable_server_is_one_sentence_without_the_password():
    url = f"postgresql+psycopg://watercooler:s3cret@127.0.0.1:{free_port()}/usage"
    with pytest.raises(StorageError) as caught:
        upgrade(url)
    message = str(caught.value)
    assert message.startswith("cannot upgrade the database postgresql+psycopg://watercooler:***@127.0.0.1:")
    assert "s3cret" not in message and "\n" not in message


def test_a_start_waits_out_a_long_sqlite_lock_instead_of_failing(tmp_path, monkeypatch):
    # Another process holds SQLite's write lock longer than the busy timeout (a slow machine
    # migrating): this start waits for it and then finds the schema current.
    import sqlite3

    import storage.db
    monkeypatch.setattr(storage.db, "SQLITE_BUSY_MS", 100)
    path = tmp_path / "watercooler.db"
    upgrade(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, holder.commit)   # the other process finishes after ten busy timeouts
    release.start()
    try:
        assert upgrade(f"sqlite:///{path}") == head_revision()
    finally:
        release.join()
        holder.close()


def test_upgrades_of_different_databases_in_one_process_do_not_mix(tmp_path):
    # A proxy's writer thread and the panel's start may migrate two databases at the same moment.
    urls = [f"sqlite:///{tmp_path}/node{n}.db" for n in range(6)]
    results: dict[str, str] = {}
    errors: list[Exception] = []

    def start(url: str) -> None:
        try:
            results[url] = upgrade(url)
        except Exception as exc:   # collected: the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results == {url: head_revision() for url in urls}
    for url in urls:
        engine = make_engine(url)
        assert set(inspect(engine).get_table_names()) >= USAGE_TABLES
        engine.dispose()
