"""Fixtures for the storage tests: every test runs on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.databases import db_url, pg_database  # noqa: F401  (fixtures)


@pytest.fixture
def db(db_url):
    """A session on a freshly migrated database."""
    engine = make_engine(db_url)
    upgrade(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()
