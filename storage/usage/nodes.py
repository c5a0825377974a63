"""Proxy heartbeats: each node says every few seconds that it is alive, and on which policy."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from storage.usage.tables import ProxyNode

MAX_ERROR = 2000


@dataclass
class NodeState:
    """What this node reports; the proxy updates it on start and on every rules reload."""
    node_id: str
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    policy_version: str | None = None
    last_reload_error: str | None = None
    spooled: int = 0
    spool_error: str | None = None
    held_in_memory: int = 0
    dropped_records: int = 0


def beat(conn: Connection, state: NodeState) -> None:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    values = {"started_at": state.started_at, "last_seen": datetime.now(timezone.utc),
              "policy_version": state.policy_version,
              "last_reload_error": (state.last_reload_error or None) and state.last_reload_error[:MAX_ERROR],
              "spooled": state.spooled, "spool_error": state.spool_error and state.spool_error[:MAX_ERROR],
              "held_in_memory": state.held_in_memory, "dropped_records": state.dropped_records}
    stmt = insert(ProxyNode).values(node_id=state.node_id, **values)
    conn.execute(stmt.on_conflict_do_update(index_elements=["node_id"], set_=values))
