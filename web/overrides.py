"""The effective policy: the rules as written, plus the managers' adjustments and the running grants.

Compiling a policy with overrides costs a couple of milliseconds, so the result is kept per set of
overrides and rebuilt only when the rules or the overrides change. An override the rules no longer
allow (the admin narrowed a bound, removed a site) is left out, not fatal, and listed in `skipped`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from policy.engine import Policy
from storage.overrides import load_overrides
from web.policy_source import current_policy

EXTENSION = "watercooler.effective"


@dataclass(frozen=True)
class Effective:
    policy: Policy
    skipped: tuple[str, ...]    # sentences: which overrides no longer fit the rules, and why


def effective(db: Session, now: datetime) -> Effective:
    base = current_policy()
    adjustments, grants = load_overrides(db, now)
    if not adjustments and not grants:
        return Effective(base, ())
    cache = current_app.extensions[EXTENSION]
    key = (base.version, adjustments, grants)  # the rules' content, not the object: ids get reused
    with cache["lock"]:
        if cache.get("key") != key:
            cache["key"], cache["value"] = key, _build(base, adjustments, grants)
        return cache["value"]


def effective_policy(db: Session, now: datetime) -> Policy:
    """The policy in force at `now`: YAML plus adjustments plus running grants."""
    return effective(db, now).policy


def _build(base: Policy, adjustments: tuple, grants: tuple) -> Effective:
    try:
        return Effective(base.with_overrides(adjustments, grants), ())
    except ValueError:
        pass  # find the ones that no longer fit, one by one
    kept_adjustments, kept_grants, skipped = [], [], []
    for adjustment in adjustments:
        try:
            base.with_overrides([adjustment])
            kept_adjustments.append(adjustment)
        except ValueError as exc:
            skipped.append(f"adjustment of {adjustment.rule} for {adjustment.group}: {exc}")
    for grant in grants:
        try:
            base.with_overrides(grants=[grant])
            kept_grants.append(grant)
        except ValueError as exc:
            skipped.append(f"grant of {grant.site} to {grant.user}: {exc}")
    return Effective(base.with_overrides(kept_adjustments, kept_grants), tuple(skipped))


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {"lock": threading.Lock()}
