"""Fixtures for the storage tests: every test runs on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import pytest

from tests.support.databases import db_url, migrated_session, pg_database, usage_engine  # noqa: F401


@pytest.fixture
def db(migrated_session):
    """A session on a freshly migrated database."""
    return migrated_session
