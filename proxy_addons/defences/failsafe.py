"""Never fail open by accident: an exception while deciding becomes an explicit outcome.

mitmproxy logs an exception in a hook and lets the flow continue to the site. Every Watercooler hook
therefore decides inside `failsafe`, which swallows the exception and reports how to answer:
`closed` (the "policy unavailable" page, the default) or `open` (let it through, only when
`watercooler_fail=open`, logged as a warning each time).
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from proxy_addons.logs.summary import DISTINCT

logger = logging.getLogger("watercooler")


class Failure:
    """How deciding ended: `closed` (answer "policy unavailable"), `open` (let it through), or neither."""

    def __init__(self) -> None:
        self.closed = False
        self.open = False


@contextmanager
def failsafe(what: str, fail_open: bool) -> Iterator[Failure]:
    failure = Failure()
    try:
        yield failure
    except Exception as exc:
        failure.open = report(what, exc, fail_open)
        failure.closed = not failure.open


def report(what: str, exc: Exception, fail_open: bool) -> bool:
    """Log a failed decision; True when it is to be let through (`watercooler_fail=open`)."""
    if fail_open:
        logger.warning("FAIL-OPEN: letting %s through undecided: %s: %s", what, type(exc).__name__, exc,
                       extra=DISTINCT)
    else:
        logger.error("policy unavailable for %s: %s: %s", what, type(exc).__name__, exc, extra=DISTINCT)
    return fail_open
