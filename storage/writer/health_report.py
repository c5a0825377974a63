"""The writer's health, seen from outside the writer and told outside the database.

A stalled database raises nothing: the writer's call just never returns. So a thread of its own looks
at the writer once a second (`DbHealth.check` turns a call waiting too long into "stalled") and keeps
`health.json` in the proxy's spool slot up to date: state, since when, the last error and the records
waiting in the spool. The panel on the same machine shows these files on its status page, and any
monitoring can read them, while the database itself cannot be reached.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from storage.privacy.private import open_private
from storage.writer.health import DbHealth

log = logging.getLogger("watercooler.storage")
REPORT_FILE = "health.json"
REWRITE_EVERY = 10.0     # an unchanged report is still rewritten, so a silent proxy shows as one


class HealthWatch(threading.Thread):
    def __init__(self, health: DbHealth, backlog: Callable[[], int], folder: Path, node: str) -> None:
        super().__init__(name="watercooler-db-watch", daemon=True)
        self.health, self.backlog, self.path, self.node = health, backlog, folder / REPORT_FILE, node
        self.every = min(1.0, health.stall_after / 4)
        self._stopping = threading.Event()
        self._last: tuple[str, str | None, int, float] | None = None
        self._written_at = 0.0

    def run(self) -> None:
        while not self._stopping.wait(self.every):
            self.health.check(self.backlog())
            self._report()

    def close(self) -> None:
        """Stop watching; the report says "stopped" from now on."""
        self._stopping.set()
        self.join(timeout=5)
        self._report(stopped=True)

    def _report(self, stopped: bool = False) -> None:
        health = self.health
        content = ("stopped" if stopped else health.state, health.error, self.backlog(), health.since)
        now = datetime.now(timezone.utc)
        if content == self._last and now.timestamp() - self._written_at < REWRITE_EVERY:
            return
        state, error, backlog, since = content
        report = {"node": self.node, "database": health.where, "state": state, "error": error,
                  "since": datetime.fromtimestamp(since, timezone.utc).isoformat(timespec="seconds"),
                  "spooled": backlog, "updated_at": now.isoformat(timespec="seconds")}
        try:
            temporary = self.path.with_suffix(".tmp")
            with open(temporary, "w", encoding="utf-8", opener=open_private) as handle:
                handle.write(json.dumps(report))
            os.replace(temporary, self.path)
        except OSError as exc:      # a full disk is the spool's to report; the log keeps the outage
            log.debug("cannot write %s: %s", self.path, exc)
            return
        self._last, self._written_at = content, now.timestamp()


def read_reports(spool_root: Path) -> list[dict[str, Any]]:
    """Every proxy's last report under `spool_root` (DATA/spool), by node; unreadable files are left out."""
    reports = []
    for path in sorted(spool_root.glob(f"*/{REPORT_FILE}")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            for moment in ("updated_at", "since"):
                report[moment] = datetime.fromisoformat(report[moment]).astimezone(timezone.utc)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        reports.append(report)
    return reports
