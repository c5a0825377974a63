"""Fixtures for the storage tests: every test runs on SQLite and on the real PostgreSQL."""
from __future__ import annotations

import pytest


@pytest.fixture
def db(migrated_session):
    """A session on a freshly migrated database."""
    return migrated_session
