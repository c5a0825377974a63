from __future__ import annotations

from web.manager.suppression import Cell, hidden_together, shown, shown_total


def cell(value: int, *people: str) -> Cell:
    made = Cell()
    for person in people:
        made.add(person, 0)
    made.value = value
    return made


def test_a_cell_from_too_few_people_is_hidden_whatever_its_number():
    assert shown(cell(40, "a", "b", "c"), 3) == 40
    assert shown(cell(40, "a", "b"), 3) is None
    assert shown(cell(0, "a"), 3) is None          # a hidden zero says nothing either
    assert shown(None, 3) is None


def test_totals_add_up_only_what_is_shown():
    assert shown_total([10, None, 5, None]) == 15


def test_hidden_cells_of_a_row_together_come_from_enough_people():
    row = [cell(30, "a", "b", "c"), cell(5, "d"), cell(20, "a", "b", "e")]
    # The one hidden cell alone comes from one person: the smallest shown cell is hidden with it.
    assert hidden_together(row, 3) == [30, None, None]
    assert hidden_together([cell(30, "a", "b", "c"), cell(9, "d", "e"), cell(8, "f")], 3) == [30, None, None]
    assert hidden_together([cell(30, "a", "b", "c"), cell(20, "d", "e", "f")], 3) == [30, 20]


def test_adding_counts_each_person_once():
    made = Cell()
    made.add("a", 10)
    made.add("a", 5)
    assert (made.value, made.people) == (15, {"a"})
