"""Fixtures for the directory tests: a real slapd (the databases come from tests/storage/conftest.py)."""
from __future__ import annotations

from tests.support.databases import usage_engine  # noqa: F401
from tests.support.slapd import slapd  # noqa: F401
