"""Server-rendered SVG charts: geometry computed here, drawn by the templates (no script, no library).

Each shape carries a `title` so the numbers are readable on hover and by screen readers, and every
chart has a table with the same numbers next to it.
"""
from __future__ import annotations

from dataclasses import dataclass

PALETTE = ("#1c5d99", "#c0612b", "#7a4fa3", "#2f8f83", "#b3261e", "#8a7a12", "#55606a")
COMMUNITY = "#1e7a3c"
HIDDEN = "#b8bec4"   # a number from too few people to show


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str
    opacity: float = 1.0


def colours(categories: list[str], internal: set[str]) -> dict[str, str]:
    others = iter(PALETTE * 4)
    return {name: COMMUNITY if name in internal else next(others) for name in categories}


def stacked_bars(series: dict[str, list[int]], labels: dict[str, str], fills: dict[str, str],
                 columns: list[str], width: float = 700, height: float = 220) -> list[Rect]:
    """One bar per column, stacked by series; y grows downwards as in SVG."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(columns))]
    top = max(totals, default=0) or 1
    slot = width / max(len(columns), 1)
    rects = []
    for i, column in enumerate(columns):
        y = height
        for name, values in series.items():
            if not values[i]:
                continue
            h = values[i] / top * (height - 10)
            y -= h
            rects.append(Rect(i * slot + slot * 0.15, y, slot * 0.7, h, fills.get(name, PALETTE[-1]),
                              f"{column}: {labels.get(name, name)} {values[i]} min"))
    return rects


def heat_cells(heat: list[list[int | None]], rows: list[str], minimum: int = 5, cell: float = 26,
               left: float = 40) -> list[Rect]:
    """One square per hour; an hour hidden for having too few people behind it is grey and says so."""
    top = max((value or 0 for row in heat for value in row), default=0) or 1
    squares = []
    for day, row in enumerate(heat):
        for hour, value in enumerate(row):
            when = f"{rows[day]} {hour:02d}:00–{hour:02d}:59"
            if value is None:
                squares.append(Rect(left + hour * cell, day * cell, cell - 2, cell - 2, HIDDEN,
                                    f"{when}: fewer than {minimum} people", 0.5))
            else:
                squares.append(Rect(left + hour * cell, day * cell, cell - 2, cell - 2, PALETTE[0],
                                    f"{when}: {value} min", 0.08 + 0.92 * value / top if value else 0.04))
    return squares
