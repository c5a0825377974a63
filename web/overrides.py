"""The panel's effective policy: the rules in force plus the database's overrides (storage/changes/overrides.py).

Compiling a policy with overrides costs a couple of milliseconds, so the result is kept per set of
overrides and rebuilt only when the rules or the overrides change.
"""
from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from policy.changes.effective import Effective, EffectiveCache
from policy.engine.engine import Policy
from storage.changes.overrides import effective_at
from web.policy_source import current_policy

EXTENSION = "watercooler.effective"
__all__ = ["Effective", "effective", "effective_policy", "init_app"]


def effective(db: Session, now: datetime) -> Effective:
    return effective_at(db, current_policy(), now, current_app.extensions[EXTENSION])


def effective_policy(db: Session, now: datetime) -> Policy:
    """The policy in force at `now`: YAML plus adjustments plus running grants."""
    return effective(db, now).policy


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = EffectiveCache()
