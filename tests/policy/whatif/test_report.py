"""The what-if report as read: the verdict first, the limits said plainly, small groups hidden."""
from __future__ import annotations

from datetime import date

import pytest

from policy.whatif.figures import BLOCKED_MORE, Report
from policy.whatif.report import render, to_json, verdict
from tests.support.whatif_rules import policies, sample_report


@pytest.fixture
def report(tmp_path):
    return sample_report(tmp_path)


def test_the_verdict_names_the_groups_that_can_be_shown(report):
    assert verdict(report, 5) == ("This draft would have blocked 70 more minutes for 7 people (staff, marketing) "
                                  "and freed some minutes for fewer than 5 people.")
    assert verdict(report, 1) == ("This draft would have blocked 70 more minutes for 7 people (staff, marketing, "
                                  "sales) and freed 10 minutes for 1 person (sales, staff).")


def test_a_draft_that_changes_nothing_says_so():
    empty = Report(date(2026, 11, 23), date(2026, 11, 29), minutes=12)
    assert verdict(empty, 5) == ("This draft would have blocked and freed no minutes: all 12 recorded minutes "
                                 "keep their outcome.")


def test_the_text_report(report, tmp_path):
    _, draft = policies(tmp_path)
    text = render(report, draft.doc, 5, ("rules", "draft"))
    lines = text.splitlines()
    assert lines[0] == verdict(report, 5)
    assert "80 recorded minutes" not in text and "290 recorded minutes" in text and "27.6% change outcome" in text
    assert "Budgets: 6 run out earlier, 1 later or not at all." in text
    assert "5 blocked attempts recorded, fewer than 5 would no longer be blocked." in text
    empty = Report(date(2026, 11, 23), date(2026, 11, 23))
    assert "No blocked attempts recorded." in render(empty, draft.doc, 5, ("a", "b"))
    assert "replayed as reads, so read-only and warn outcomes are estimates" in text
    assert "shows as attempts (per day, without a time), not minutes" in text
    budget = next(line for line in lines if line.strip().startswith("budget "))
    assert budget.split()[1].endswith("draft/main.yaml:22")         # where to edit it
    assert budget.split()[2:] == ["120", "120", "fewer", "than", "5", "120", "6", "60"]
    assert "Never matched: none; every rule decided something" in text
    assert "Changed most: budget (60 minutes), sales-free (fewer than 5 minutes), video (fewer than 5 minutes)" in text
    marketing = next(line for line in lines if line.strip().startswith("marketing"))
    assert " ".join(marketing.split()) == "marketing 60 " + "fewer than 5 " * 4 + "6"   # zero is hidden too
    sales = next(line for line in lines if line.strip().startswith("sales "))
    assert sales.split()[:4] == ["sales", "fewer", "than", "5"]


def test_json_hides_small_figures_as_null(report, tmp_path):
    _, draft = policies(tmp_path)
    data = to_json(report, draft.doc, 5)
    assert data["groups"]["marketing"][BLOCKED_MORE] == 60
    assert data["groups"]["sales"][BLOCKED_MORE] is None
    assert data["changed_percent"] == 27.586
    assert [rule["rule"] for rule in data["rules"]] == ["video", "sales-free", "budget"]
    assert data["never_matched"] == []
