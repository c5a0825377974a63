"""Which rule of a chain decides at each instant, as sorted segments.

A chain is the rules that can apply to one kind of request (a principal and a host), in order. Only
its schedules decide which rule comes first at a given instant, so the chain's time is cut at every
flip of those schedules and each piece gets its deciding rule; neighbours with the same rule merge.
`at(ts)` is then one bisection, and the end of the piece is the exact moment the deciding rule
changes. Pieces are built per 7-day chunk on first use (see `policy.engine.localtime`).
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, tzinfo
from typing import Any

from policy.engine.compiler import CompiledRule
from policy.engine.localtime import CHUNK, CHUNKS_KEPT, HORIZON, chunk_of

_Chunk = tuple[list[float], list[CompiledRule | None], list[datetime]]


class Timeline:
    def __init__(self, rules: tuple[CompiledRule, ...], zone: tzinfo) -> None:
        self.rules = rules                  # every rule of the chain, in order
        self.zone = zone
        cut = next((n for n, rule in enumerate(rules) if rule.always), None)
        # Rules after one that always applies can never decide: their schedules do not matter.
        self.relevant = rules if cut is None else rules[:cut + 1]
        self.fixed = self.relevant[0] if cut == 0 else None
        self.constant = not rules or cut == 0
        self._chunks: dict[int, _Chunk] = {}
        self.reasons: dict[tuple[Any, ...], Any] = {}     # sentences for this chain (see policy.engine.outcomes)

    def at(self, ts: float) -> tuple[CompiledRule | None, float, float | None, datetime | None]:
        """(deciding rule or None for the default, piece start, piece end, piece end as datetime).

        The end is None when the deciding rule stays the same for the next 7 days."""
        if self.constant:
            return self.fixed, float("-inf"), None, None
        bounds, deciding, ends = self._chunk(chunk_of(ts))
        index = bisect_right(bounds, ts)
        start = bounds[index - 1] if index else chunk_of(ts) * CHUNK
        if index < len(bounds) and bounds[index] <= ts + HORIZON:
            return deciding[index], start, bounds[index], ends[index]
        return deciding[index], start, None, None

    def _chunk(self, chunk: int) -> _Chunk:
        found = self._chunks.get(chunk)
        if found is None:
            if len(self._chunks) > CHUNKS_KEPT:
                self._chunks.clear()
            found = self._chunks[chunk] = self._build(chunk)
        return found

    def _build(self, chunk: int) -> _Chunk:
        flips: set[float] = set()
        for rule in self.relevant:
            for schedule in rule.when + rule.except_:
                flips.update(schedule.flips(chunk))
        # Only flips that can matter for an instant in this chunk or within the horizon after it.
        low, high = chunk * CHUNK, (chunk + 1) * CHUNK + HORIZON
        points = sorted(flip for flip in flips if low < flip <= high)
        bounds: list[float] = []
        deciding: list[CompiledRule | None] = [self._decider(low)]
        for point in points:
            then = self._decider(point)
            if then is not deciding[-1]:
                bounds.append(point)
                deciding.append(then)
        ends = [datetime.fromtimestamp(bound, self.zone) for bound in bounds]
        return bounds, deciding, ends

    def _decider(self, ts: float) -> CompiledRule | None:
        return next((rule for rule in self.relevant if rule.active_at(ts)), None)
