from __future__ import annotations

from datetime import date

from policy.words.openings import Pattern
from policy.words.openings_text import opens_sentence

LUNCH = ((720, 810, "free"), (810, 1080, "budget"))
EVENING = ((0, 420, "free"), (720, 810, "free"), (1080, 1440, "free"))
WEEKEND = ((0, 1440, "free"),)


def test_the_usual_week_then_the_dates_that_differ_then_what_is_left():
    week = {0: EVENING, 1: EVENING, 2: EVENING, 3: EVENING, 4: LUNCH, 5: WEEKEND, 6: WEEKEND}
    found = Pattern(week, ((date(2026, 12, 24), WEEKEND), (date(2026, 12, 31), WEEKEND)), (30, "day"),
                    frozenset({"free", "budget"}))
    assert opens_sentence(found) == (
        "Open to you: Mon–Thu 00:00–07:00 and 12:00–13:30 and from 18:00; Fri 12:00–13:30; Sat, Sun all day; "
        "also 24 and 31 Dec all day; at other times within your budget of 30 minutes a day.")


def test_only_a_budget_or_nothing_at_all():
    budget_only = Pattern({day: ((0, 1440, "budget"),) for day in range(7)}, (), (20, "week"),
                          frozenset({"budget"}))
    assert opens_sentence(budget_only, lead="Open") == "Open within your budget of 20 minutes a week."
    closed = Pattern({day: ((0, 1440, "closed"),) for day in range(7)}, (), None, frozenset({"closed"}))
    assert opens_sentence(closed) == ""
