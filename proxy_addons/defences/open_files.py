"""The open-file limit: raised to the hard limit at start, and how many client connections it leaves room for.

Every client connection costs the proxy one file descriptor, and a second one while it talks to a site.
At the common default soft limit of 1,024 a thousand idle connections used them all: `accept()` failed,
no site could be reached (every answer was a 502) and asyncio logged a traceback for each failed accept.
The soft limit is a per-process setting any process may raise up to its hard limit, so the proxy does.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

try:
    import resource
except ImportError:        # Windows: no rlimits; the connection cap then comes from the setting alone
    resource = None        # type: ignore[assignment]

# asyncio accepts up to its listen backlog (100) connections in one loop turn, before any hook has seen
# them; all of those need a descriptor at once.
ACCEPT_BURST = 100
# Descriptors never handed to client connections: two accept bursts (one arriving while the previous
# one's closed connections are still being let go), the database, the spool, rules files,
# certificates, DNS, log files, and room to accept a connection only to answer it with 503.
RESERVE = 2 * ACCEPT_BURST + 64
# With no limit to go by (Windows), allow this many client connections unless told otherwise.
NO_LIMIT_CAPACITY = 4096


@dataclass(frozen=True)
class OpenFiles:
    before: int | None        # the soft limit the proxy was started with (None: no rlimits here)
    limit: int | None         # the soft limit now
    hard: int | None
    in_use: int               # descriptors open when it was measured

    @property
    def capacity(self) -> int:
        """Client connections that fit, with one site connection each and the reserve kept free."""
        if self.limit is None:
            return NO_LIMIT_CAPACITY
        return max(1, (self.limit - self.in_use - RESERVE) // 2)

    def describe(self) -> str:
        if self.limit is None:
            return "open files: no limit to raise on this system"
        raised = f"raised from {self.before:,} to {self.limit:,}" if self.before != self.limit \
            else f"{self.limit:,}, already"
        return f"open files: {raised} (hard limit {self._hard()}), {self.in_use} in use"

    def _hard(self) -> str:
        return "unlimited" if resource is not None and self.hard == resource.RLIM_INFINITY else f"{self.hard:,}"


def raise_open_file_limit() -> OpenFiles:
    """Raise the soft RLIMIT_NOFILE to the hard limit (as far as the system allows) and report it."""
    if resource is None:
        return OpenFiles(None, None, None, descriptors_in_use())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in ([hard] if hard != resource.RLIM_INFINITY else []) + [1_048_576, 65_536]:
        if target <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            break
        except (ValueError, OSError):      # e.g. macOS refuses more than kern.maxfilesperproc
            continue
    return OpenFiles(soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0], hard, descriptors_in_use())


def descriptors_in_use() -> int:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder))
        except OSError:
            continue
    return RESERVE // 2
