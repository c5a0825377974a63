"""Revision 0002_panel and the panel's later revisions (0005_sign_in, 0007_adjustment_version): together
they create what the panel's models describe, and go back down cleanly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from storage.db import make_engine, write_connection
from storage.migrate import alembic_config, head_revision, upgrade
from storage.models import Base

PANEL_TABLES = {"accounts", "audit", "access_requests", "grants", "adjustments", "sign_in_counters"}


def _panel_only(name, type_, parent_names) -> bool:
    return type_ != "table" or name in PANEL_TABLES  # the usage tables belong to another revision


def _downgrade(engine, revision: str) -> None:
    config = alembic_config()
    with write_connection(engine) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def test_the_migration_matches_the_models_and_round_trips(db_url):
    engine = make_engine(db_url)
    try:
        assert upgrade(engine) == head_revision()   # the later revisions add what the models now describe
        panel_only = MetaData()
        for name in PANEL_TABLES:
            Base.metadata.tables[name].to_metadata(panel_only)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": _panel_only})
            assert compare_metadata(context, panel_only) == []
        _downgrade(engine, "0006_group_members")
        assert "version" not in {column["name"] for column in inspect(engine).get_columns("adjustments")}
        _downgrade(engine, "0001_usage")
        assert PANEL_TABLES.isdisjoint(inspect(engine).get_table_names())
        upgrade(engine)  # triggers, function and the name index were dropped too
        assert set(inspect(engine).get_table_names()) >= PANEL_TABLES
    finally:
        engine.dispose()
