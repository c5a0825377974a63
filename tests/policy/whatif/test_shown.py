"""The admin's report keeps small groups hidden against subtraction: nothing shown depends on a hidden figure."""
from __future__ import annotations

import itertools
import json
from datetime import date

import pytest

from policy.whatif.compare import WhatIf
from policy.whatif.figures import BLOCKED_MORE, FREED
from policy.whatif.report import render, to_json
from policy.whatif.setup import hosts, replayer
from policy.whatif.shown import public
from tests.support.whatif_rules import policies, run

MON, TUE = date(2026, 11, 23), date(2026, 11, 24)


def report(root, few: bool):
    """Marketing's six people over their budget; with `few`, one person of sales on YouTube (blocked by the
    draft) and another on X (freed by the draft, with blocked attempts): figures of fewer than 5 people."""
    current, draft = policies(root)
    sites = hosts(current.doc, draft.doc)
    whatif = WhatIf(replayer(current, [], [], sites), replayer(draft, [], [], sites), current.timezone,
                    MON, TUE, lambda user, day: current.groups_of(user))
    for person in ("m1", "m2", "m3", "m4", "m5", "m6"):
        whatif.person(person, run(23, 9, "facebook", 40))
    if few:
        whatif.person("s1", run(23, 14, "youtube", 9, "video"))
        whatif.person("s2", run(24, 9, "x", 37), [("x", "budget", TUE, 3)])
    return whatif.report, draft.doc


HIDDEN = {9, 7, 3, 1, 16}   # s1's minutes blocked more, s2's freed, attempts freed, budget no longer out, both


def figures(data: dict) -> list[int]:
    """Every number the JSON report gives about usage (not the settings, nor the share in per cent)."""
    found: list[int] = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k not in ("min_group_size", "changed_percent"):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    walk(data)
    return found


def combinations(numbers: list[int]) -> set[int]:
    """Sums and differences of up to three of them (each used once)."""
    distinct = sorted(set(numbers))
    found = set(distinct)
    for size in (2, 3):
        for chosen in itertools.combinations(distinct, size):
            for signs in itertools.product((1, -1), repeat=size):
                found.add(abs(sum(s * n for s, n in zip(signs, chosen, strict=True))))
    return found


def test_the_full_figures_hold_what_the_attack_looks_for(tmp_path):
    full, doc = report(tmp_path, few=True)
    assert full.everyone.cells[BLOCKED_MORE].value - full.groups["marketing"].cells[BLOCKED_MORE].value == 9
    assert full.everyone.cells[FREED].value == 7 and (full.earlier, full.later) == (6, 1)
    assert HIDDEN & combinations(figures(to_json(full, doc, 0)))       # the unsuppressed report gives them


def test_no_sum_or_difference_of_shown_figures_gives_a_hidden_one_back(tmp_path):
    full, doc = report(tmp_path, few=True)
    shown = figures(to_json(full, doc, 5))
    assert 60 in shown and 240 in shown
    assert not HIDDEN & combinations(shown)


@pytest.mark.parametrize("minimum", [5, 3])
def test_the_report_is_the_same_whether_the_few_were_there_or_not(tmp_path, minimum):
    with_few, doc = report(tmp_path / "a", few=True)
    without, _ = report(tmp_path / "b", few=False)
    assert to_json(with_few, doc, minimum) == to_json(without, doc, minimum)
    text = render(with_few, doc, minimum, ("rules", "draft"))
    assert text == render(without, doc, minimum, ("rules", "draft"))
    assert "sales " not in text.split("By group:")[1] and "some" not in text and "for fewer than" not in text
    assert text.splitlines()[0] == ("This draft would have blocked 60 more minutes for 6 people (marketing, staff) "
                                    "and freed none that can be shown.")


def test_totals_add_up_the_shown_rows_only(tmp_path):
    full, doc = report(tmp_path, few=True)
    data = to_json(full, doc, 5)
    for kind in ("groups", "sites", "categories"):
        rows = [row[BLOCKED_MORE] or 0 for name, row in data[kind].items() if name != "staff"]
        assert sum(rows) == data["everyone"][BLOCKED_MORE] == 60
    assert data["minutes"] == sum(rule[c] or 0 for rule in data["rules"] for c in ("allowed", "blocked", "warned"))
    assert data["changed"] == sum(rule["changed"] or 0 for rule in data["rules"]) == 60
    assert (data["budgets_earlier"], data["budgets_later"], data["attempts"]) == (6, None, 0)
    json.dumps(data)


def test_rows_and_order_come_from_shown_figures_only(tmp_path):
    full, doc = report(tmp_path, few=True)
    view = public(full, 5)
    assert sorted(view.sites) == ["facebook"] and sorted(view.groups) == ["marketing", "staff"]
    assert set(view.draft) == {"budget"}          # video and sales-free were met by one person each
    text = render(full, doc, 5, ("rules", "draft"))
    assert "Never matched, or no figure of 5 or more people: video (" in text
    assert "Changed most: budget (60 minutes)\n" in text


def test_every_figure_with_a_minimum_of_zero_is_labelled(tmp_path):
    full, doc = report(tmp_path, few=True)
    text = render(full, doc, 0, ("rules", "draft"))
    assert text.startswith("All figures, none hidden, those of a single person too: for the admins")
    assert "blocked 69 more minutes for 7 people" in text and to_json(full, doc, 0)["all_figures"] is True
    assert public(full, 0) is full


def test_a_group_of_one_is_not_the_company_minus_the_other_groups(tmp_path):
    """s1 of sales uses Facebook like marketing's six: the site's figure comes from 7 people and is shown,
    but sales' 10 minutes would follow from it minus marketing's 60, so marketing's are hidden too."""
    current, draft = policies(tmp_path)
    sites = hosts(current.doc, draft.doc)
    whatif = WhatIf(replayer(current, [], [], sites), replayer(draft, [], [], sites), current.timezone,
                    MON, TUE, lambda user, day: current.groups_of(user))
    for person in ("m1", "m2", "m3", "m4", "m5", "m6", "s1"):
        whatif.person(person, run(23, 9, "facebook", 40))
    full = whatif.report
    assert full.groups["sales"].cells[BLOCKED_MORE].value == 10          # what must not come back
    data = to_json(full, draft.doc, 5)
    assert data["everyone"][BLOCKED_MORE] == data["sites"]["facebook"][BLOCKED_MORE] == 70
    assert data["groups"] == {"staff": {**{c: None for c in data["everyone"]}, BLOCKED_MORE: 70, "runs_out": 7}}
    assert 10 not in combinations(figures(data)) and 60 not in figures(data)
    view = public(full, 5)
    assert sorted(group for _, group in view.daily) == ["staff"]         # the chart has no row for marketing
    assert "(staff)" in render(full, draft.doc, 5, ("rules", "draft")).splitlines()[0]
