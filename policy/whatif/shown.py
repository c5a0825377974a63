"""The report an admin may read in the panel: figures of at least `minimum` people, totals of shown ones.

A what-if report cuts the same minutes many ways (company-wide, per site, category, rule, group, day).
Were each figure hidden on its own, a shown total minus the shown figures beneath it would give the
hidden ones back. So what changes is first kept only where at least `minimum` people stand behind a
site, rule and kind of change together; every figure about changes then adds up kept ones alone: the
company-wide row, each site, category and rule's changed minutes add up to one another exactly, and no
hidden figure enters any of them. Groups and days cut the kept minutes again: there a figure of fewer
people is hidden, and when the hidden ones of a row (a kind of change over groups, a group over days)
would together come from fewer people, the smallest shown ones are hidden too, so the total minus the
shown ones is a figure of `minimum` people or more. What each rule allowed, blocked, warned, charged
and the attempts it decided add up its sites' figures of `minimum` people or more; budgets run out and
the summary's counts (budgets run out earlier or later) are hidden one by one, the others add up shown ones.
`minimum` 0 keeps every figure (the full report, for the proxy host's admins).
"""
from __future__ import annotations

from datetime import date

from policy.whatif.figures import (
    ATTEMPTS_FREED,
    BLOCKED_MORE,
    CHANGES,
    RUNS_OUT,
    Bucket,
    Cell,
    Key,
    Report,
    RuleFigures,
)

ACTIONS = ("allowed", "blocked", "warned")
MINUTE_CHANGES = tuple(c for c in CHANGES if c not in (ATTEMPTS_FREED, RUNS_OUT))
NO_GROUP = "\0"      # people in none of the groups: never a row, but the company-wide figure counts them


def public(report: Report, minimum: int) -> Report:
    """The report with only what at least `minimum` people stand behind, every total of shown figures."""
    if minimum <= 0:
        return report
    out = Report(report.since, report.until)
    out.counts = {name: _kept(cell, minimum) for name, cell in report.counts.items()}
    for (_, _, rule, name), cell in report.by_site.items():
        if len(cell.people) >= minimum:   # a rule's figures add up its sites', so none gives a hidden site back
            _join(getattr(out.draft.setdefault(rule, RuleFigures()), name), cell, name)
    for rule, figures in report.draft.items():
        if len(figures.runouts.people) >= minimum:
            out.draft.setdefault(rule, RuleFigures()).runouts = _kept(figures.runouts, minimum)
    groups: dict[str, Bucket] = {}
    daily: dict[tuple[date, str], Cell] = {}
    for (members, category, site, rule, day, change), cell in _kept_changes(report, minimum):
        buckets = [out.everyone, out.bucket("sites", site)]
        if category is not None:
            buckets.append(out.bucket("categories", category))
        for bucket in buckets:
            _join(bucket.cells[change], cell, change)
        if change in MINUTE_CHANGES:
            _join(out.draft.setdefault(rule, RuleFigures()).changed, cell, change)
        for group in members or (NO_GROUP,):
            _join(groups.setdefault(group, Bucket()).cells[change], cell, change)
            if change == BLOCKED_MORE:
                _join(daily.setdefault((day, group), Cell()), cell, change)
    _groups(out, groups, minimum)
    _days(out, daily, minimum)
    out.unknown = out.counts["unknown"].value
    out.minutes = sum(getattr(f, name).value for f in out.draft.values() for name in ACTIONS) + out.unknown
    out.changed = sum(f.changed.value for f in out.draft.values())
    out.attempts = sum(f.attempts.value for f in out.draft.values())
    out.earlier, out.later = out.counts["earlier"].value, out.counts["later"].value
    return out


def _kept_changes(report: Report, minimum: int) -> list[tuple[Key, Cell]]:
    """The finest cells whose site, rule and kind of change together come from `minimum` people or more."""
    together: dict[tuple[str | None, str, str, str], set[str]] = {}
    for (_, category, site, rule, _, change), cell in report.finest.items():
        together.setdefault((category, site, rule, change), set()).update(cell.people)
    return [(key, cell) for key, cell in report.finest.items()
            if len(together[(key[1], key[2], key[3], key[5])]) >= minimum]


def _groups(out: Report, groups: dict[str, Bucket], minimum: int) -> None:
    for change in CHANGES:
        cells = {name: bucket.cells[change] for name, bucket in groups.items()}
        for name in _shown(cells, minimum, NO_GROUP):
            out.bucket("groups", name).cells[change] = cells[name]


def _days(out: Report, daily: dict[tuple[date, str], Cell], minimum: int) -> None:
    for group, bucket in out.groups.items():
        if not bucket.cells[BLOCKED_MORE].people:
            continue        # the group's figure is hidden: its days would add up to it
        cells = {day: cell for (day, name), cell in daily.items() if name == group}
        for day in _shown(cells, minimum):
            out.daily[(day, group)] = cells[day]


def _shown[K: (str, date)](cells: dict[K, Cell], minimum: int, never: K | None = None) -> set[K]:
    """Those of `cells` to show: each from `minimum` people, and the hidden ones together from as many."""
    hidden = {key for key, cell in cells.items() if len(cell.people) < minimum or key == never}
    visible = sorted((key for key in cells if key not in hidden),
                     key=lambda key: (cells[key].value, len(cells[key].people), str(key)))
    while hidden and visible and len(set().union(*(cells[key].people for key in hidden))) < minimum:
        hidden.add(visible.pop(0))
    return set(cells) - hidden


def _kept(cell: Cell, minimum: int) -> Cell:
    return Cell(cell.value, set(cell.people)) if len(cell.people) >= minimum else Cell()


def _join(total: Cell, cell: Cell, change: str) -> None:
    total.people |= cell.people
    # people out of budget are counted once each, however many places their budgets ran out
    total.value = len(total.people) if change == RUNS_OUT else total.value + cell.value
