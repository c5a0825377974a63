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
EARLIER, LATER, UNKNOWN_SITES = "earlier", "later", "unknown"   # the summary's counts, with their people

# The finest cut of what changes: (groups of the person that day, category (None for attempts), site,
# rule of the draft that decided, day, change). Every figure the panel shows adds up shown ones of these.
Key = tuple[frozenset[str], str | None, str, str, date, str]
# What each rule of the draft decided, per site: (category (None for attempts), site, rule, figure), the
# figure one of "allowed", "blocked", "warned", "charged", "attempts" (as in RuleFigures).
SiteKey = tuple[str | None, str, str, str]


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
        return getattr(self, self.name_of(action))  # type: ignore[no-any-return]

    @staticmethod
    def name_of(action: str) -> str:
        return "allowed" if action == "allow" else "blocked" if action == "block" else "warned"

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
    finest: dict[Key, Cell] = field(default_factory=dict)               # what changes, cut finest
    by_site: dict[SiteKey, Cell] = field(default_factory=dict)           # the draft's rules, per site
    counts: dict[str, Cell] = field(default_factory=lambda: {n: Cell() for n in (EARLIER, LATER, UNKNOWN_SITES)})

    def add_finest(self, key: Key, person: str, value: int = 1) -> None:
        _add(self.finest, key, person, value)

    def add_by_site(self, key: SiteKey, person: str, value: int = 1) -> None:
        _add(self.by_site, key, person, value)

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


def _add[K](table: dict[K, Cell], key: K, person: str, value: int) -> None:
    found = table.get(key)
    if found is None:
        found = table[key] = Cell()
    found.add(person, value)
