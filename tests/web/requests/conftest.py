"""Fixtures for the steps of requests without HTTP: the test policy and a migrated database with an admin."""
from __future__ import annotations

import pytest

from policy.engine.engine import Policy
from policy.loading.loader import load_doc
from storage.sign_in.accounts import User
from tests.web.conftest import RULES


@pytest.fixture
def policy() -> Policy:
    return Policy.from_doc(load_doc(RULES))


@pytest.fixture
def session(migrated_session):
    migrated_session.add(User(name="ada", role="admin", password_hash="x", session_generation=1, active=True))
    migrated_session.commit()
    return migrated_session
