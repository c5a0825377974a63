"""The figures of a what-if report: numbers with the people behind them, so small ones can be hidden."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

BLOCKED_MORE = "blocked_more"      # allowed or warned before, blocked under the draft
FREED = "freed"                    # blocked before, allowed or warned under the draft
WARNED_MORE = "warned_more"        # allowed before, warned under the draft
UNWARNED = "unwarned"              # warned before, allowed under the draft
ATTEMPTS_FREED = "attempts_freed"  # blocked attempts the draft would not have blocked
RUNS_OUT = "runs_out"              # people whose budget would run out under the draft
CHANGES = (BLOCKED_MORE, FREED, WARNED_MORE, UNWARNED, ATTEMPTS_FREED, RUNS_OUT)


@dataclass
class Cell:
    value: int = 0
    people: set[str] = field(default_factory=set)

    def add(self, person: str, value: int = 1) -> None:
        self.value += value
        self.people.add(person)


@dataclass
class Bucket:
    """What changes for one group, site or category (or everyone)."""
    cells: dict[str, Cell] = field(default_factory=lambda: {name: Cell() for name in CHANGES})

    def add(self, change: str, person: str, value: int = 1) -> None:
        self.cells[change].add(person, value)


@dataclass
class RuleFigures:
    """What one rule of one policy decided over the period's minutes."""
    allowed: Cell = field(default_factory=Cell)
    blocked: Cell = field(default_factory=Cell)
    warned: Cell = field(default_factory=Cell)
    charged: Cell = field(default_factory=Cell)
    runouts: Cell = field(default_factory=Cell)
    changed: Cell = field(default_factory=Cell)   # minutes it decided whose outcome differs from the other
    attempts: Cell = field(default_factory=Cell)  # blocked attempts it decided (current: recorded ones)

    def cell(self, action: str) -> Cell:
        return self.allowed if action == "allow" else self.blocked if action == "block" else self.warned

    @property
    def matched(self) -> bool:
        return bool(self.allowed.value or self.blocked.value or self.warned.value or self.attempts.value)


@dataclass
class Report:
    since: date
    until: date                                   # the last day replayed
    minutes: int = 0                              # recorded minutes replayed
    changed: int = 0                              # of them, those whose outcome differs
    unknown: int = 0                              # minutes on sites neither policy knows
    attempts: int = 0                             # blocked attempts recorded
    earlier: int = 0                              # budgets (person, rule, period) that run out earlier
    later: int = 0                                # ... later, or no longer
    current: dict[str, RuleFigures] = field(default_factory=dict)
    draft: dict[str, RuleFigures] = field(default_factory=dict)
    everyone: Bucket = field(default_factory=Bucket)
    groups: dict[str, Bucket] = field(default_factory=dict)
    sites: dict[str, Bucket] = field(default_factory=dict)
    categories: dict[str, Bucket] = field(default_factory=dict)
    daily: dict[tuple[date, str], Cell] = field(default_factory=dict)   # (day, group) → minutes blocked more

    def bucket(self, kind: str, name: str) -> Bucket:
        table: dict[str, Bucket] = getattr(self, kind)
        found = table.get(name)
        if found is None:
            found = table[name] = Bucket()
        return found

    @property
    def changed_share(self) -> float:
        """Per cent of the replayed minutes whose outcome changes."""
        return 100.0 * self.changed / self.minutes if self.minutes else 0.0
