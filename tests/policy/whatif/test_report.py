"""The what-if report as read: the verdict first, the limits said plainly, small groups hidden (see test_shown)."""
from __future__ import annotations

from datetime import date

import pytest

from policy.whatif.figures import BLOCKED_MORE, Report
from policy.whatif.report import render, to_json, verdict
from policy.whatif.shown import public
from tests.support.whatif_rules import policies, sample_report


@pytest.fixture
def report(tmp_path):
    return sample_report(tmp_path)


def test_the_verdict_counts_and_names_only_what_can_be_shown(report):
    assert verdict(public(report, 5), 5) == ("This draft would have blocked 60 more minutes for 6 people "
                                             "(marketing, staff) and freed none that can be shown.")
    assert verdict(report, 0) == ("This draft would have blocked 70 more minutes for 7 people (staff, marketing, "
                                  "sales) and freed 10 minutes for 1 person (sales, staff).")


def test_a_draft_that_changes_nothing_says_so():
    empty = Report(date(2026, 11, 23), date(2026, 11, 29), minutes=12)
    assert verdict(empty, 0) == ("This draft would have blocked and freed no minutes: all 12 recorded minutes "
                                 "keep their outcome.")
    assert verdict(public(empty, 5), 5) == ("This draft would have blocked and freed no minutes that 5 or more "
                                            "people stand behind (figures of fewer people are hidden).")


def test_the_text_report(report, tmp_path):
    _, draft = policies(tmp_path)
    text = render(report, draft.doc, 5, ("rules", "draft"))
    lines = text.splitlines()
    assert lines[0] == verdict(public(report, 5), 5)
    assert "240 recorded minutes" in text and "25.0% change outcome" in text     # s1's and s2's left out
    assert "Budgets: 6 run out earlier, fewer than 5 later or not at all." in text
    assert "No blocked attempts recorded that 5 or more people stand behind." in text
    assert "5 blocked attempts recorded, 3 would no longer be blocked." in render(report, draft.doc, 0, ("a", "b"))
    empty = Report(date(2026, 11, 23), date(2026, 11, 23))
    assert "No blocked attempts recorded." in render(empty, draft.doc, 0, ("a", "b"))
    assert "replayed as reads, so read-only and warn outcomes are estimates" in text
    assert "shows as attempts (per day, without a time), not minutes" in text
    budget = next(line for line in lines if line.strip().startswith("budget "))
    assert budget.split()[1].endswith("draft/main.yaml:22")         # where to edit it
    assert budget.split()[2:] == ["120", "120", "fewer", "than", "5", "120", "6", "60"]
    assert "Never matched, or no figure of 5 or more people: video (" in text
    assert "Changed most: budget (60 minutes)\n" in text
    full = render(report, draft.doc, 0, ("rules", "draft"))
    assert "Never matched: none; every rule decided something" in full
    assert "Changed most: budget (60 minutes), sales-free (10 minutes), video (10 minutes)" in full
    marketing = next(line for line in lines if line.strip().startswith("marketing"))
    assert " ".join(marketing.split()) == "marketing 60 " + "fewer than 5 " * 4 + "6"   # zero is hidden too
    assert not any(line.strip().startswith("sales ") for line in lines)     # nothing shown for sales


def test_json_hides_small_figures_as_null(report, tmp_path):
    _, draft = policies(tmp_path)
    data = to_json(report, draft.doc, 5)
    assert data["groups"]["marketing"][BLOCKED_MORE] == 60
    assert "sales" not in data["groups"] and data["all_figures"] is False
    assert data["changed_percent"] == 25.0
    assert [rule["rule"] for rule in data["rules"]] == ["video", "sales-free", "budget"]
    assert data["rules"][0]["blocked"] is None
    assert data["never_matched"] == ["video", "sales-free"]
