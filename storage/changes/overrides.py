"""What the panel adds to the rules, read from the database, and the effective policy it makes.

Shared by the panel, the proxies and `watercooler explain`, so all of them enforce and show the same
effective policy: the YAML plus the managers' adjustments plus the grants running at a moment
(combined in policy/changes/effective.py). Blocking database reads: the proxy calls this off its event loop.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from policy.changes.effective import Effective, EffectiveCache, combine
from policy.changes.overrides import Adjustment as PolicyAdjustment, Grant as PolicyGrant
from storage.changes.access import active_grants
from storage.changes.adjustments import all_adjustments


def load_overrides(db: Session, now: datetime) -> tuple[tuple[PolicyAdjustment, ...], tuple[PolicyGrant, ...]]:
    """(adjustments, grants running at `now`), each in a stable order so equal sets compare equal."""
    adjustments = tuple(
        PolicyAdjustment(row.rule, row.group_name, row.minutes, row.action,
                         tuple(row.when) if row.when is not None else None)
        for row in all_adjustments(db))
    grants = tuple(sorted((PolicyGrant(row.user_name, row.site, row.expires_at, row.starts_at, row.granted_by,
                                       row.minutes)
                           for row in active_grants(db, now)),
                          key=lambda grant: (grant.user, grant.site, grant.expires_at)))
    return adjustments, grants


def effective_at(db: Session, base: Any, now: datetime, cache: EffectiveCache | None = None) -> Effective:
    """The policy in force at `now`: `base` (the rules as written) plus the overrides in the database."""
    adjustments, grants = load_overrides(db, now)
    return cache.get(base, adjustments, grants) if cache is not None else combine(base, adjustments, grants)
