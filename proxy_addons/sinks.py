"""The one seam between the proxy and usage storage: `make_sink(url, zone) -> UsageSink`.

No URL: usage stays in this process's memory (`MemorySink`). A URL (SQLite or PostgreSQL): the
durable `storage.sink.DatabaseUsageSink`, after bringing the schema up to date. A database that is
down at start does not stop the proxy: it enforces from memory, spools, and says so in the log.
"""
from __future__ import annotations

import logging
from datetime import tzinfo
from typing import Any

from proxy_addons.memory_sink import MemorySink
from proxy_addons.usage_sink import UsageSink

logger = logging.getLogger("watercooler.usage")


def make_sink(url: str | None, zone: str | tzinfo | None = None) -> UsageSink:
    if not url:
        return MemorySink()
    from storage.db import StorageError, describe, resolve_url
    from storage.migrate import upgrade
    from storage.sink import DatabaseUsageSink

    resolved = resolve_url(url)           # StorageError (one sentence) on a bad URL
    try:
        upgrade(resolved.render_as_string(hide_password=False))
    except StorageError as exc:
        logger.warning(f"usage database {describe(resolved)} is not reachable now ({exc}); "
                       "usage is spooled locally and written when it is back")
    return DatabaseUsageSink(resolved.render_as_string(hide_password=False), zone=zone)


def tell_sink_about_policy(sink: Any, zone: Any, version: str | None, error: str | None) -> None:
    """Durable sinks file records under policy-local days and report the policy in force."""
    if hasattr(sink, "use_zone"):
        sink.use_zone(zone)
    if hasattr(sink, "set_node_state"):
        sink.set_node_state(policy_version=version, reload_error=error)
