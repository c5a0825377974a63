"""The preview's chart: minutes a draft would have blocked more, per day and group (server-rendered SVG)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from policy.whatif.figures import Report
from web.manager.charts import PALETTE, Rect, stacked_bars


@dataclass(frozen=True)
class DailyChart:
    days: list[str]                         # column labels, e.g. "Mon 23 Nov"
    rows: list[tuple[str, list[int | None]]]   # group, minutes per day (None: fewer than the minimum of people)
    rects: list[Rect]
    fills: dict[str, str]
    hidden: int                             # day-group figures left out: fewer than the minimum of people


def daily_chart(report: Report, since: date, until: date, minimum: int) -> DailyChart:
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    series: dict[str, list[int]] = {}
    hidden = 0
    for (day, group), cell in sorted(report.daily.items()):
        if len(cell.people) < minimum:
            hidden += 1
            continue
        series.setdefault(group, [0] * len(days))[(day - since).days] = cell.value
    # As everywhere in the panel, a day without enough people behind it reads "fewer than N", zero included.
    rows = [(group, [value if value else None for value in values]) for group, values in sorted(series.items())]
    labels = [f"{day:%a %d %b}" for day in days]
    fills = {group: PALETTE[n % len(PALETTE)] for n, group in enumerate(series)}
    rects = stacked_bars(series, {group: group for group in series}, fills, labels)
    return DailyChart(labels, rows, rects, fills, hidden)
