"""The effective policy: the rules as written plus managers' adjustments plus the grants running now.

The one place where the three are combined; the proxy, the panel and `watercooler explain` all call
`combine` (after `filled`, which takes directory groups' members from a snapshot), so they enforce
and show the same thing. An override the rules no longer allow (an admin
narrowed a bound, removed a site) is left out, never fatal, and named in `skipped`: the rest still apply.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Effective:
    policy: Any                 # policy.engine.engine.Policy
    adjustments: tuple[Any, ...]          # the adjustments in force (those that fit the rules)
    grants: tuple[Any, ...]               # the grants in force
    skipped: tuple[str, ...]    # sentences: which overrides no longer fit the rules, and why


def filled(base: Any, directory: Any) -> Any:
    """`base` with its directory groups' members taken from `directory` (a snapshot; None: none yet)."""
    if directory is None or not any(group.directory for group in base.doc.groups.values()):
        return base
    return base.with_directory(directory)


def combine(base: Any, adjustments: tuple[Any, ...] = (), grants: tuple[Any, ...] = ()) -> Effective:
    """`base` with the overrides that fit it (compiles: a couple of milliseconds, off an event loop)."""
    adjustments, grants = tuple(adjustments), tuple(grants)
    if not adjustments and not grants:
        return Effective(base, (), (), ())
    try:
        return Effective(base.with_overrides(adjustments, grants), adjustments, grants, ())
    except ValueError:
        pass    # find the ones that no longer fit, one by one
    kept_adjustments, kept_grants, skipped = [], [], []
    for adjustment in adjustments:
        problem = _problem(base, (adjustment,), ())
        if problem is None:
            kept_adjustments.append(adjustment)
        else:
            skipped.append(f"adjustment of {adjustment.rule} for {adjustment.group}: {problem}")
    for grant in grants:
        problem = _problem(base, (), (grant,))
        if problem is None:
            kept_grants.append(grant)
        else:
            skipped.append(f"grant of {grant.site} to {grant.user}: {problem}")
    return Effective(base.with_overrides(kept_adjustments, kept_grants), tuple(kept_adjustments),
                     tuple(kept_grants), tuple(skipped))


def _problem(base: Any, adjustments: tuple[Any, ...], grants: tuple[Any, ...]) -> str | None:
    try:
        base.with_overrides(adjustments, grants)
        return None
    except ValueError as exc:
        return str(exc)


class EffectiveCache:
    """The last combination, rebuilt only when the rules' content or the overrides change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._value: Effective | None = None

    def get(self, base: Any, adjustments: tuple[Any, ...], grants: tuple[Any, ...]) -> Effective:
        adjustments, grants = tuple(adjustments), tuple(grants)
        if not adjustments and not grants:
            return Effective(base, (), (), ())
        directory = getattr(base, "directory", None)
        # the rules' content and the directory snapshot, not the object: ids get reused
        key = (base.version, directory.version if directory is not None else None, adjustments, grants)
        with self._lock:
            if self._key != key or self._value is None:
                self._key, self._value = key, combine(base, adjustments, grants)
            return self._value
