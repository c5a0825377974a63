"""Every figure a manager or admin sees comes from at least `MIN_GROUP_SIZE` people, or is hidden.

A `Cell` is a number and the people behind it. A cell from fewer people is shown as None ("fewer
than 5 people"), whatever its number, zero included, so a hidden cell never says whether anyone is
behind it. Hidden numbers must not come back by subtraction, so:

- every total (a site's week, a category's day, a day, the week, the community trend) adds up only
  the cells that are shown: no total minus the cells on the page gives a hidden one;
- the heat map's hours of a day add up to that day's shown minutes, a number the page shows. The
  hidden hours of a day can therefore be told apart only as their sum, so together they must come
  from at least the minimum: when they do not, the smallest shown hours are hidden too
  (complementary suppression).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Cell:
    value: int = 0
    people: set[str] = field(default_factory=set)

    def add(self, person: str, value: int) -> None:
        self.value += value
        self.people.add(person)


def shown(cell: Cell | None, minimum: int) -> int | None:
    """The cell's number, or None when fewer than `minimum` people are behind it."""
    return cell.value if cell is not None and len(cell.people) >= minimum else None


def shown_total(values: Iterable[int | None]) -> int:
    """The total of the shown numbers only."""
    return sum(value for value in values if value is not None)


def hidden_together(cells: list[Cell], minimum: int) -> list[int | None]:
    """A row whose total is known: its hidden cells, together, come from at least `minimum` people."""
    hidden = {i for i, cell in enumerate(cells) if len(cell.people) < minimum}
    visible = sorted((i for i in range(len(cells)) if i not in hidden),
                     key=lambda i: (cells[i].value, len(cells[i].people), i))
    while hidden and visible and len(set().union(*(cells[i].people for i in hidden))) < minimum:
        hidden.add(visible.pop(0))
    return [None if i in hidden else cell.value for i, cell in enumerate(cells)]
