"""Comparing a draft with the rules in force over the same minutes: exact figures, worked out by hand.

Monday: six marketing people each use Facebook for 40 minutes from 09:00 (budget 30 now, 20 in the
draft: 10 more blocked minutes each) and s1 watches YouTube for 10 minutes (warned now, blocked in the
draft). Tuesday: s2 uses X for 40 minutes (budget now; free for sales in the draft: 10 minutes freed),
and was blocked on X 3 times; m1 was blocked on Facebook twice on Monday (still blocked in the draft).
"""
from __future__ import annotations

from datetime import date

import pytest

from policy.whatif.compare import WhatIf
from policy.whatif.figures import ATTEMPTS_FREED, BLOCKED_MORE, FREED, RUNS_OUT, WARNED_MORE
from policy.whatif.setup import hosts, replayer
from tests.support.whatif_rules import policies, run, sample_report

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


@pytest.fixture
def report(tmp_path):
    return sample_report(tmp_path)


def test_totals_and_the_share_of_minutes_that_change(report):
    assert (report.minutes, report.changed, report.attempts) == (290, 80, 5)
    assert round(report.changed_share, 3) == 27.586
    assert (report.earlier, report.later) == (6, 1)      # marketing's budgets earlier; s2's no longer


def test_everyone(report):
    cells = report.everyone.cells
    assert (cells[BLOCKED_MORE].value, len(cells[BLOCKED_MORE].people)) == (70, 7)
    assert (cells[FREED].value, cells[FREED].people) == (10, {"s2"})
    assert (cells[ATTEMPTS_FREED].value, cells[ATTEMPTS_FREED].people) == (3, {"s2"})
    assert (cells[RUNS_OUT].value, len(cells[RUNS_OUT].people)) == (6, 6)
    assert report.sites["facebook"].cells[RUNS_OUT].value == report.categories["social"].cells[RUNS_OUT].value == 6


def test_per_group_site_and_category(report):
    marketing, sales = report.groups["marketing"].cells, report.groups["sales"].cells
    assert (marketing[BLOCKED_MORE].value, marketing[RUNS_OUT].value) == (60, 6)
    assert (sales[BLOCKED_MORE].value, sales[FREED].value, sales[ATTEMPTS_FREED].value) == (10, 10, 3)
    assert report.groups["staff"].cells[BLOCKED_MORE].value == 70
    assert report.sites["youtube"].cells[BLOCKED_MORE].value == 10
    assert report.sites["x"].cells[FREED].value == 10
    assert report.categories["social"].cells[BLOCKED_MORE].value == 60
    assert report.categories["video"].cells[WARNED_MORE].value == 0
    assert report.daily[(MON, "marketing")].value == 60


def test_per_rule_of_each_policy(report):
    budget = report.draft["budget"]
    assert (budget.allowed.value, budget.blocked.value, budget.charged.value) == (120, 120, 120)
    assert (budget.runouts.value, budget.changed.value, budget.attempts.value) == (6, 60, 2)
    assert (report.draft["sales-free"].allowed.value, report.draft["sales-free"].changed.value) == (40, 10)
    assert (report.draft["video"].blocked.value, report.draft["video"].changed.value) == (10, 10)
    now = report.current["budget"]
    assert (now.allowed.value, now.blocked.value, now.charged.value, now.runouts.value) == (210, 70, 210, 7)
    assert report.current["video"].warned.value == 10


def test_minutes_before_the_period_fill_budgets_but_are_not_reported(tmp_path):
    current, draft = policies(tmp_path)
    sites = hosts(current.doc)
    whatif = WhatIf(replayer(current, [], [], sites), replayer(draft, [], [], sites), current.timezone,
                    TUE, TUE, lambda user, day: current.groups_of(user))
    whatif.person("m1", run(23, 9, "facebook", 5) + run(24, 9, "facebook", 25))
    assert whatif.report.minutes == 25
    assert whatif.report.draft["budget"].blocked.value == 5
