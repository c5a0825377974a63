"""The one seam between the proxy and usage storage: `make_sink(url, zone) -> UsageSink`.

No URL: usage stays in this process's memory (`MemorySink`). A URL (SQLite or PostgreSQL): the
durable `storage.writer.sink.DatabaseUsageSink`. Making it opens no connection: its writer brings the schema
up to date in the background, so the proxy listens at once even when the database is down or stalls
at start; until the database answers, it enforces from memory, spools, and says so in the log.
"""
from __future__ import annotations

import logging
from datetime import tzinfo
from typing import Any

from proxy_addons.usage.contract import UsageSink
from proxy_addons.usage.memory_sink import MemorySink

logger = logging.getLogger("watercooler.usage")


def make_sink(url: str | None, zone: str | tzinfo | None = None, *, connect_timeout: float = 3.0,
              statement_timeout: float = 10.0, stall_after: float = 15.0) -> UsageSink:
    if not url:
        return MemorySink()
    from storage.db import DbTimeouts, resolve_url
    from storage.writer.sink import DatabaseUsageSink

    resolved = resolve_url(url)           # StorageError (one sentence) on a bad URL
    return DatabaseUsageSink(resolved.render_as_string(hide_password=False), zone=zone,
                             timeouts=DbTimeouts(connect_timeout, statement_timeout), stall_after=stall_after)


def tell_sink_about_policy(sink: Any, zone: Any, version: str | None, error: str | None) -> None:
    """Durable sinks file records under policy-local days and report the policy in force."""
    if hasattr(sink, "use_zone"):
        sink.use_zone(zone)
    if hasattr(sink, "set_node_state"):
        sink.set_node_state(policy_version=version, reload_error=error)
