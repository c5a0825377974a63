"""Sign-in throttling, counted from the audit trail's "sign-in failed" records.

Counting what is already recorded keeps one source of truth and works across several panel
processes. An account name is throttled after `LOGIN_MAX_FAILURES` failures in the window, an address
after `LOGIN_MAX_FAILURES_PER_ADDRESS`; names that do not exist are counted exactly like real ones,
so the answer never tells whether an account exists.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import Session

from storage.audit import recent_failures


def window() -> timedelta:
    return timedelta(seconds=int(current_app.config["LOGIN_WINDOW_SECONDS"]))


def is_throttled(db: Session, name: str, address: str | None) -> bool:
    config = current_app.config
    if recent_failures(db, target=account_target(name), within=window()) >= int(config["LOGIN_MAX_FAILURES"]):
        return True
    if address is None:
        return False
    per_address = int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    return recent_failures(db, source=address, within=window()) >= per_address


def account_target(name: str) -> str:
    return f"account:{name}"
