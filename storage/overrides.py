"""What the panel adds to the rules, in the engine's terms: for `Policy.with_overrides`.

Shared by the panel and the proxies, so both enforce the same effective policy: the YAML plus the
managers' adjustments plus the grants running at a moment. Blocking database reads: the proxy calls
this off its event loop.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from policy.overrides import Adjustment as PolicyAdjustment
from policy.overrides import Grant as PolicyGrant
from storage.access import active_grants
from storage.adjustments import all_adjustments


def load_overrides(db: Session, now: datetime) -> tuple[tuple[PolicyAdjustment, ...], tuple[PolicyGrant, ...]]:
    """(adjustments, grants running at `now`), each in a stable order so equal sets compare equal."""
    adjustments = tuple(
        PolicyAdjustment(row.rule, row.group_name, row.minutes, row.action,
                         tuple(row.when) if row.when is not None else None)
        for row in all_adjustments(db))
    grants = tuple(sorted((PolicyGrant(row.user_name, row.site, row.expires_at, row.starts_at, row.granted_by)
                           for row in active_grants(db, now)),
                          key=lambda grant: (grant.user, grant.site, grant.expires_at)))
    return adjustments, grants
