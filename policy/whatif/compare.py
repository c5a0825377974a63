"""What-if: one person at a time, recorded usage replayed through the current policy and a draft, compared.

Each person's minutes go through both policies in their own order (so budgets run out when they would
have); minutes before the period only fill budgets that were already running when it began. Blocked
attempts carry a day, not a time: one counts as freed when the draft would have let the site through
at every moment of that day the current policy blocks it.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo

from policy.engine.localtime import instant
from policy.whatif.figures import (
    ATTEMPTS_FREED,
    BLOCKED_MORE,
    EARLIER,
    FREED,
    LATER,
    RUNS_OUT,
    UNKNOWN_SITES,
    UNWARNED,
    WARNED_MORE,
    Cell,
    Report,
    RuleFigures,
)
from policy.whatif.replay import UNKNOWN, Minute, PersonReplay, Replayer

GroupsOf = Callable[[str, date], Iterable[str]]
Attempt = tuple[str, str, date, int]      # site, rule that blocked it ("" the default), day, count


class WhatIf:
    def __init__(self, current: Replayer, draft: Replayer, zone: tzinfo, since: date, until: date,
                 groups_of: GroupsOf) -> None:
        self.current, self.draft, self.zone, self.groups_of = current, draft, zone, groups_of
        self.since_ts = instant(since, 0, zone)
        self.report = Report(since, until)

    def person(self, user: str, minutes: Sequence[Minute], attempts: Iterable[Attempt] = ()) -> None:
        """Add one person's minutes (time order, warm-up before the period included) and attempts."""
        old, new = self.current.person(user, minutes), self.draft.person(user, minutes)
        first = bisect_left(minutes, (self.since_ts,))
        before, after = old.outcomes[first:], new.outcomes[first:]
        changed = [i for i, a, b in zip(range(first, len(minutes)), before, after, strict=True) if a[0] != b[0]]
        report = self.report
        for drafted, counts in ((False, Counter(before)), (True, Counter(after))):
            for (action, rule, charged), n in counts.items():
                if action == UNKNOWN:
                    if drafted:
                        report.unknown += n
                        report.counts[UNKNOWN_SITES].add(user, n)
                    continue
                figures = self._rule(drafted, rule)
                figures.cell(action).add(user, n)
                if charged:
                    figures.charged.add(user, n)
        for ((action, rule, charged), site, category), n in Counter(
                (outcome, site, category) for outcome, (_, site, category) in zip(after, minutes[first:], strict=True)
        ).items():
            if action != UNKNOWN:
                report.add_by_site((category, site, rule, RuleFigures.name_of(action)), user, n)
                if charged:
                    report.add_by_site((category, site, rule, "charged"), user, n)
        report.minutes += len(minutes) - first
        report.changed += len(changed)
        for i in changed:
            self._changed(user, minutes[i], old, new, i)
        self._runouts(user, old, new)
        for attempt in attempts:
            self._attempt(user, attempt, new)

    def _rule(self, drafted: bool, rule: str) -> RuleFigures:
        table = self.report.draft if drafted else self.report.current
        found = table.get(rule)
        if found is None:
            found = table[rule] = RuleFigures()
        return found

    def _changed(self, user: str, minute: Minute, old: PersonReplay, new: PersonReplay, i: int) -> None:
        ts, site, category = minute
        a, b = old.outcomes[i][0], new.outcomes[i][0]
        change = (BLOCKED_MORE if b == "block" else FREED if a == "block" else
                  WARNED_MORE if b == "warn" else UNWARNED)
        day = datetime.fromtimestamp(ts, self.zone).date()
        report = self.report
        groups = list(self.groups_of(user, day))
        report.add_finest((frozenset(groups), category, site, new.outcomes[i][1], day, change), user)
        for bucket in [report.everyone, report.bucket("sites", site), report.bucket("categories", category),
                       *(report.bucket("groups", group) for group in groups)]:
            bucket.add(change, user)
        if change == BLOCKED_MORE:
            for group in groups:
                cell = report.daily.get((day, group))
                if cell is None:
                    cell = report.daily[(day, group)] = Cell()
                cell.add(user)
        self._rule(False, old.outcomes[i][1]).changed.add(user)
        self._rule(True, new.outcomes[i][1]).changed.add(user)

    def _runouts(self, user: str, old: PersonReplay, new: PersonReplay) -> None:
        report, since = self.report, self.since_ts
        for key in set(old.runouts) | set(new.runouts):
            ran_out, runs_out = old.runouts.get(key), new.runouts.get(key)
            before = ran_out[0] if ran_out is not None else None
            after = runs_out[0] if runs_out is not None else None
            if max(before or 0, after or 0) < since:
                continue                  # ran out before the period began, under both
            if before is not None and before >= since:
                self._rule(False, key[0]).runouts.add(user)
            if runs_out is not None and after is not None and after >= since:
                self._rule(True, key[0]).runouts.add(user)
                day = datetime.fromtimestamp(after, self.zone).date()
                groups = list(self.groups_of(user, day))
                finest = (frozenset(groups), runs_out[2], runs_out[1], key[0], day, RUNS_OUT)
                if user not in report.finest.get(finest, Cell()).people:
                    report.add_finest(finest, user)
                for bucket in [report.everyone, report.bucket("sites", runs_out[1]),
                               report.bucket("categories", runs_out[2]),
                               *(report.bucket("groups", group) for group in groups)]:
                    if user not in bucket.cells[RUNS_OUT].people:
                        bucket.add(RUNS_OUT, user)      # people, however many of their budgets ran out
            if after is not None and (before is None or after < before):
                report.earlier += 1
                report.counts[EARLIER].add(user)
            elif before is not None and (after is None or after > before):
                report.later += 1
                report.counts[LATER].add(user)

    def _attempt(self, user: str, attempt: Attempt, new: PersonReplay) -> None:
        site, rule, day, count = attempt
        report = self.report
        report.attempts += count
        self._rule(False, rule).attempts.add(user, count)
        first, last = instant(day, 0, self.zone), instant(day + timedelta(days=1), 0, self.zone)
        blocked = [(a, b) for a, b, action, _ in self.current.spans(user, site, first, last, _exhausted)
                   if action == "block"]
        used = new.used
        drafted = self.draft.spans(user, site, first, last, lambda r, start, limit: used.get((r, start), 0))
        deciding = next((r for a, b, _, r in drafted if any(a < y and x < b for x, y in blocked)), None)
        if deciding is not None:
            self._rule(True, deciding).attempts.add(user, count)
            report.add_by_site((None, site, deciding, "attempts"), user, count)
        still = any(action == "block" and a < y and x < b for a, b, action, _ in drafted for x, y in blocked)
        if not blocked or still:
            return
        groups = list(self.groups_of(user, day))
        report.add_finest((frozenset(groups), None, site, deciding or "", day, ATTEMPTS_FREED), user, count)
        for bucket in [report.everyone, report.bucket("sites", site),
                       *(report.bucket("groups", group) for group in groups)]:
            bucket.add(ATTEMPTS_FREED, user, count)


def _exhausted(rule: str, start: float, limit: int) -> int:
    return limit     # the current policy blocked the attempt: where a budget decided, it was used up
