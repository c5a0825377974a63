"""The effective policy: the rules as written, plus what the panel's database adds (running grants).

Compiling a policy with overrides costs more than a lookup, so the result is kept per set of
overrides and rebuilt only when the rules or the overrides change.
"""
from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.orm import Session

from policy.engine import Policy
from policy.overrides import Grant as PolicyGrant
from storage.access import active_grants
from web.policy_source import current_policy

EXTENSION = "watercooler.effective"


def effective_policy(db: Session, now: datetime) -> Policy:
    """The policy in force at `now` for the proxy and the pages: YAML plus running grants."""
    base = current_policy()
    grants = tuple(sorted(
        (PolicyGrant(grant.user_name, grant.site, grant.expires_at)
         for grant in active_grants(db, now) if grant.site in base.sites),
        key=lambda grant: (grant.user, grant.site, grant.expires_at)))
    if not grants:
        return base
    cache = current_app.extensions[EXTENSION]
    key = (id(base), grants)
    with cache["lock"]:
        if cache.get("key") != key:
            cache["key"], cache["policy"] = key, base.with_overrides(grants=grants)
        return cache["policy"]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {"lock": threading.Lock()}
