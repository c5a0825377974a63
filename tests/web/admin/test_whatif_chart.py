"""The preview's chart: newly blocked minutes per day and group, hidden where too few people stand behind them."""
from __future__ import annotations

from datetime import date

from policy.whatif.figures import Cell, Report
from web.admin.whatif_chart import daily_chart

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


def test_bars_for_shown_figures_and_a_count_of_hidden_ones():
    report = Report(MON, TUE)
    report.daily[(MON, "marketing")] = Cell(25, {"a", "b", "c", "d", "e"})
    report.daily[(TUE, "sales")] = Cell(10, {"s"})
    chart = daily_chart(report, MON, TUE, 5)
    assert chart.days == ["Mon 23 Nov", "Tue 24 Nov"]
    assert chart.rows == [("marketing", [25, None])]
    assert [rect.title for rect in chart.rects] == ["Mon 23 Nov: marketing 25 min"]
    assert chart.hidden == 1
