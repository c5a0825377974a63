from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from storage.db import make_engine
from storage.utc import UTCDateTime

BERLIN_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture
def table(db_url):
    metadata = MetaData()
    moments = Table("moments", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
    engine = make_engine(db_url)
    metadata.create_all(engine)
    yield engine, moments
    engine.dispose()


def test_a_moment_comes_back_aware_and_in_utc_on_every_backend(table):
    engine, moments = table
    with engine.begin() as conn:
        conn.execute(insert(moments).values(id=1, at=BERLIN_NOON))
        back = conn.scalar(select(moments.c.at))
    assert back == BERLIN_NOON and back.tzinfo == timezone.utc and back.hour == 11


def test_a_naive_moment_is_refused(table):
    engine, moments = table
    with pytest.raises(StatementError, match="a naive datetime cannot be stored"), engine.begin() as conn:
        conn.execute(insert(moments).values(id=2, at=datetime(2026, 11, 26, 12, 0)))
