from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from storage.usage.nodes import MAX_ERROR, NodeState, beat
from storage.usage.tables import ProxyNode

STARTED = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)


def test_a_heartbeat_adds_the_node_then_updates_it_in_place(usage_engine):
    state = NodeState("proxy-a", started_at=STARTED, policy_version="v1")
    with usage_engine.begin() as conn:
        beat(conn, state)
    state.policy_version, state.last_reload_error, state.spooled = "v2", "rules.yaml:3: bad", 7
    with usage_engine.begin() as conn:
        beat(conn, state)
        beat(conn, NodeState("proxy-b", started_at=STARTED))
    with usage_engine.connect() as conn:
        rows = conn.execute(select(ProxyNode.node_id, ProxyNode.policy_version, ProxyNode.last_reload_error,
                                   ProxyNode.spooled, ProxyNode.started_at).order_by(ProxyNode.node_id)).all()
    assert rows == [("proxy-a", "v2", "rules.yaml:3: bad", 7, STARTED), ("proxy-b", None, None, 0, STARTED)]


def test_long_errors_are_cut_and_an_empty_reload_error_is_none(usage_engine):
    with usage_engine.begin() as conn:
        beat(conn, NodeState("proxy-a", last_reload_error="", spool_error="x" * (MAX_ERROR + 50)))
    with usage_engine.connect() as conn:
        error, spool_error = conn.execute(select(ProxyNode.last_reload_error, ProxyNode.spool_error)).one()
    assert (error, len(spool_error)) == (None, MAX_ERROR)
