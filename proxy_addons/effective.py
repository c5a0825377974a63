"""The enforced policy: the rules as written plus the panel's adjustments and running grants.

An override the rules no longer allow (an admin narrowed a bound, removed a site) is left out and
logged, never fatal: the rest still apply, the way the panel shows them.
"""
from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("watercooler.overrides")


def effective_policy(base: Any, adjustments: tuple, grants: tuple) -> Any:
    """`base` with the overrides that fit it (compiles: call it off the event loop)."""
    if not adjustments and not grants:
        return base
    try:
        return base.with_overrides(adjustments, grants)
    except ValueError:
        pass
    kept_adjustments = [a for a in adjustments if _fits(base, [a], [], f"adjustment of {a.rule} for {a.group}")]
    kept_grants = [g for g in grants if _fits(base, [], [g], f"grant of {g.site} to {g.user}")]
    return base.with_overrides(kept_adjustments, kept_grants)


def _fits(base: Any, adjustments: list, grants: list, what: str) -> bool:
    try:
        base.with_overrides(adjustments, grants)
        return True
    except ValueError as exc:
        logger.error(f"panel override left out: {what}: {exc}")
        return False
