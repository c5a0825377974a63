"""The policy the panel shows: loaded from the rules folder, reloaded when a file there changes.

A change is noticed by the folder's fingerprint (policy/loading/folder_state.py, as the proxy notices it),
checked at most once a second.
A folder that stops loading (an edit in progress, a typo) keeps the last good policy in use and keeps
the error for the status page — the same choice the proxy makes. Groups defined by the company
directory are filled from the newest directory snapshot in the database, looked for every few seconds
(only when the rules have such groups); a database that cannot be read keeps the snapshot in use.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

import policy
from policy.changes.directory import Directory
from policy.changes.effective import filled
from policy.engine.engine import Policy
from policy.engine.principals import Groups
from policy.loading.folder_state import fingerprint as folder_fingerprint
from policy.loading.problems import PolicyError
from storage.directory.snapshots import load as load_snapshot, newest_id
from storage.usage.membership import record_groups
from web.clock import now
from web.db import db, engine

EXTENSION = "watercooler.policy"
logger = logging.getLogger("watercooler.directory")
CHECK_EVERY = 1.0  # seconds between looks at the folder
DIRECTORY_CHECK_EVERY = 3.0  # seconds between looks for a newer directory snapshot


class PolicyUnavailable(Exception):
    """No policy has loaded yet; the message says why (file:line: what is wrong)."""


@dataclass
class PolicySource:
    folder: Path
    policy: Policy | None = None      # the rules as written, their directory groups filled from `directory`
    written: Policy | None = None     # the rules as written
    directory: Directory | None = None   # the newest directory snapshot (storage/directory/snapshots.py)
    _directory_checked: float = -DIRECTORY_CHECK_EVERY
    error: str | None = None          # the last load error, "" when the current files loaded
    _fingerprint: tuple | None = ()
    _checked: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    recorded: Policy | None = None    # the policy whose groups the membership history has

    def current(self) -> Policy:
        with self._lock:
            if time.monotonic() - self._checked >= CHECK_EVERY or self.written is None:
                self._refresh()
            if self.written is not None and time.monotonic() - self._directory_checked >= DIRECTORY_CHECK_EVERY:
                self._refresh_directory()
            if self.policy is None:
                raise PolicyUnavailable(self.error or "the policy has not loaded")
            return self.policy

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        fingerprint = folder_fingerprint(self.folder)
        if fingerprint == self._fingerprint and (self.written is not None or self.error):
            return
        self._fingerprint = fingerprint
        try:
            self.written, self.error = policy.load(self.folder), ""
        except PolicyError as exc:
            self.error = "; ".join(str(problem) for problem in exc.problems[:3])
            return
        self.policy = self._filled(self.written)

    def _refresh_directory(self) -> None:
        """A newer directory snapshot in the database: fill the directory groups from it."""
        self._directory_checked = time.monotonic()
        written = self.written
        if written is None or not any(group.directory for group in written.doc.groups.values()):
            return                    # no directory group: nothing to ask the database
        try:
            with Session(engine()) as session:
                newest = newest_id(session)
                if newest is None or (self.directory is not None and self.directory.version == str(newest)):
                    return
                self.directory = load_snapshot(session, newest)
        except Exception as exc:   # the pages go on with the snapshot in use; the next look tries again
            logger.warning("directory snapshot not read (%s); keeping the one in use", type(exc).__name__)
            return
        self.policy = self._filled(written)

    def _filled(self, written: Policy) -> Policy:
        return filled(written, self.directory)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = PolicySource(Path(app.config["RULES"]))


def current_policy() -> Policy:
    """The policy in force; PolicyUnavailable when none has ever loaded.

    Each newly loaded policy's groups go to the membership history before anyone reads a summary with
    it, so team figures count people only for the days they belonged (storage/usage/membership.py).
    """
    source = current_app.extensions[EXTENSION]
    loaded = source.current()
    if source.recorded is not loaded:
        _record_groups(loaded)
        source.recorded = loaded
    return loaded


def _record_groups(loaded: Policy) -> None:
    request_session = db()
    if request_session.new or request_session.dirty or request_session.deleted:
        with Session(engine()) as session:   # never commit a request's half-done work early
            record_groups(session, Groups(loaded.doc.groups).members, now())
    else:
        # The request's own session, so on SQLite its later writes do not meet a snapshot that
        # another session's commit has made stale ("database is locked").
        record_groups(request_session, Groups(loaded.doc.groups).members, now())
