"""Proxy logins with directory passwords (`watercooler_auth=directory`): the panel's directory settings.

The same `WATERCOOLER_DIRECTORY_*` settings as the panel and the sync; a login is checked by binding
as the person (storage/directory/login.py) in a worker thread, never on the event loop, and remembered
like panel logins. The name must be spelled as the directory spells it: it goes on to the policy,
whose member lists are exact. A directory that cannot be asked refuses the login (never lets anyone
in), is logged once per outage, and does not count as a failed password.
"""
from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("watercooler.directory")


class DirectoryAccounts:
    """Blocking checks against the directory: call from a worker thread. True, False, or None (cannot check)."""

    def __init__(self, settings: Any, db_url: str | None) -> None:
        self.settings = settings
        self._reporter: Any = None
        if db_url:
            from proxy_addons.auth.panel_auth import PanelAccounts
            self._reporter = PanelAccounts(db_url)   # its failure reports go to the panel's audit
        self._down = False

    def __call__(self, name: str, password: str) -> bool | None:
        from storage.directory.ldap import DirectoryError
        from storage.directory.login import check_person
        try:
            spelled = check_person(self.settings, name, password)
        except DirectoryError as exc:
            if not self._down:
                logger.warning("proxy logins cannot be checked: %s; refusing them until the directory answers", exc)
            self._down = True
            return None
        if self._down:
            logger.info("proxy logins: the directory answers again")
        self._down = False
        return spelled is not None and spelled == name

    def report_failure(self, name: str, client: str | None, many_names: bool = False) -> None:
        if self._reporter is not None:
            self._reporter.report_failure(name, client, many_names)

    def close(self) -> None:
        if self._reporter is not None:
            self._reporter.close()
