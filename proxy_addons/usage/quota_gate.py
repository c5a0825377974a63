"""One budget per person across proxies: a new quota minute is charged on recent knowledge only.

Several proxies on one database each answer quota questions from memory, re-read every 2 s. That is
good enough while a person has minutes to spare, never for the last ones: two proxies could both hand
out the last minute, and a proxy that has not read a person yet (just started, or forgot them after
15 idle minutes) knows only its own charges. So before a request charges a new minute (the usage
counter asks as it is about to), `check` looks at how recent this proxy's answer is and how much of
the budget would be left:

- read from the database within FRESH_S clock seconds, and at least `margin()` minutes left after
  this one: charge from memory, synchronously, as before;
- otherwise the request waits (the hook hands mitmproxy a coroutine) while a worker thread claims the
  minute in the database (`storage/quota/claims.py`: inserted only while the budget has room), then
  the request is decided again on the answer, as of the moment it was first decided (the decider's
  clock is pinned there, so a wait across a minute's end charges nothing more). No answer within
  WAIT_S, or a database error: the request cannot be decided, and `watercooler_fail` says what
  happens (closed: "policy unavailable").

The margin covers what other proxies may have charged unseen: FRESH_S of staleness plus, twice, the
time a healthy proxy's charges take to reach the database (WRITE_LAG_S), in minutes of the clock.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from policy.engine.decision import Decision
from proxy_addons.clock import Clock

FRESH_S = 10.0          # clock seconds an answer read from the database may be charged on
WRITE_LAG_S = 25.0      # real seconds within which a healthy proxy's charges are in the database
WAIT_S = 2.0            # real seconds a request waits for a claim
COMMIT_BY_S = 1.5       # a claim not ready to charge by then rolls back: the waiter may give up at WAIT_S
CLAIM_THREADS = 4


@dataclass(frozen=True)
class PendingClaim:
    user: str | None
    rule: str
    period_start: datetime
    at: datetime
    limit: int


class QuotaClaimNeeded(Exception):
    """Raised while deciding: this request charges a minute that must be claimed in the database first."""

    def __init__(self, claim: PendingClaim) -> None:
        super().__init__(f"quota minute of {claim.rule!r} to be claimed in the database")
        self.claim = claim


class QuotaUnknown(RuntimeError):
    """The claim could not be made: the request is undecided (watercooler_fail applies)."""


class PinnedClock(Clock):
    """A clock that reads one moment: a request decided again after a claim is decided as of its claim."""

    def __init__(self, base: Clock, moment: datetime) -> None:
        self.base, self.moment, self.speed = base, moment, base.speed

    def now(self) -> datetime:
        return self.moment

    def ticks(self) -> float:
        return self.base.ticks()


class QuotaGate:
    def __init__(self) -> None:
        self.sink: Any = None
        self.clock: Clock = Clock()
        self.decider: Any = None       # whose clock is pinned while a request is decided again
        self._pool: ThreadPoolExecutor | None = None

    def margin(self) -> int:
        """Minutes left after a new one below which every new minute is claimed in the database."""
        return 1 + math.ceil((FRESH_S + 2 * WRITE_LAG_S * self.clock.speed) / 60)

    def check(self, user: str | None, decision: Decision, at: datetime) -> None:
        """Raise QuotaClaimNeeded when allowing `decision` at `at` would charge a new quota minute on
        knowledge that is not recent enough for how little of the budget would be left."""
        quota = decision.quota
        if quota is None or decision.rule_action != "quota" or decision.action != "allow" \
                or decision.site is None or decision.rule is None or decision.bundle or not self.sink.shared:
            return              # nothing is charged, or nobody else charges the same budgets
        if self.sink.is_charged(user, decision.rule, quota.period_start, at):
            return              # the minute is paid for: allowing it again charges nothing
        age = self.sink.quota_age(user, decision.rule, quota.period_start)
        if age is not None and age <= FRESH_S and quota.remaining - 1 >= self.margin():
            return
        raise QuotaClaimNeeded(PendingClaim(user, decision.rule, quota.period_start, at, quota.limit))

    async def claim(self, pending: PendingClaim) -> bool:
        """Claim the minute in a worker thread, waiting WAIT_S at most; True if it is charged."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(CLAIM_THREADS, thread_name_prefix="watercooler-claim")
        work = asyncio.get_running_loop().run_in_executor(
            self._pool, self.sink.claim, pending.user, pending.rule, pending.period_start, pending.at,
            pending.limit, time.monotonic() + COMMIT_BY_S)
        try:
            return await asyncio.wait_for(work, WAIT_S)
        except TimeoutError:
            raise QuotaUnknown(f"the usage database did not answer within {WAIT_S:g} s") from None
        except Exception as exc:
            lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            reason = lines[0][:200] if lines else type(exc).__name__
            raise QuotaUnknown(f"the usage database is unavailable ({reason})") from None

    @contextmanager
    def pinned(self, moment: datetime) -> Iterator[None]:
        """Decide as of `moment` for the duration (synchronous code only: nothing else runs meanwhile)."""
        decider = self.decider
        if decider is None:
            yield
            return
        clock, decider.clock = decider.clock, PinnedClock(decider.clock, moment)
        try:
            yield
        finally:
            decider.clock = clock

    def close(self, wait: bool = False) -> None:
        """Stop the claim threads (`wait`: until the claims under way have ended, charged or not)."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None


def run_claiming(gate: QuotaGate, run: Callable[[], None], undecided: Callable[[Exception], None],
                 claims_left: int = 1) -> Coroutine | None:
    """Call `run` (deciding, synchronously). When it needs a quota minute claimed first, return a
    coroutine for mitmproxy to await, which claims and runs it again; a failure goes to `undecided`."""
    try:
        run()
    except QuotaClaimNeeded as needed:
        if claims_left > 0:
            return claim_then(gate, needed.claim, run, undecided, claims_left - 1)
        undecided(needed)
    except Exception as exc:
        undecided(exc)
    return None


async def claim_then(gate: QuotaGate, claim: PendingClaim, run: Callable[[], None],
                     undecided: Callable[[Exception], None], claims_left: int = 1) -> None:
    """Claim, then decide again on the database's answer, as of the claimed moment."""
    try:
        await gate.claim(claim)
    except Exception as exc:
        undecided(exc)
        return
    with gate.pinned(claim.at):
        waiting = run_claiming(gate, run, undecided, claims_left)
    if waiting is not None:
        await waiting
