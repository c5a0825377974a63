"""Values as admins mean them (YAML 1.2 core), duplicate keys, merge keys, and where each value was written."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from policy.loading.problems import PolicyError
from policy.loading.yamltree import compose_document


def data(text: str):
    return compose_document("f.yaml", text).data


def errors(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        compose_document("f.yaml", text)
    return [str(p) for p in caught.value.problems]


def test_unquoted_times_stay_times():
    assert data("from: 09:00\nto: 17:30\n") == {"from": "09:00", "to": "17:30"}


@given(st.integers(0, 24), st.integers(0, 59))
def test_every_unquoted_clock_time_is_text(hours, minutes):
    for clock in (f"{hours:02d}:{minutes:02d}", f"{hours}:{minutes:02d}"):
        assert data(f"from: {clock}\n") == {"from": clock}


def test_dates_and_other_yaml_11_surprises_stay_text():
    assert data("d: 2026-12-24\nn: no\ny: yes\no: on\nx: 1_000\ns: 0930x\n") == {
        "d": "2026-12-24", "n": "no", "y": "yes", "o": "on", "x": "1_000", "s": "0930x"}


def test_core_schema_scalars():
    assert data("a: true\nb: False\nc: ~\nd:\ne: 42\nf: -7\ng: 0x1F\nh: 0o17\ni: 1.5\nj: 0930\n") == {
        "a": True, "b": False, "c": None, "d": None, "e": 42, "f": -7, "g": 31, "h": 15, "i": 1.5, "j": 930}


def test_explicit_plain_tags():
    assert data("a: !!str 42\nb: !!int '7'\n") == {"a": "42", "b": 7}
    assert errors("a: !!int seven\n") == ["f.yaml:1:4: 'seven' is not a valid whole number; "
                                          "remove the tag or fix the value"]


def test_duplicate_keys_name_both_lines():
    assert errors("rules: []\nsites:\n  a: {}\n  a: {}\nrules: []\n") == [
        "f.yaml:4:3: duplicate key 'a' (lines 3 and 4); keep one of them",
        "f.yaml:5:1: duplicate key 'rules' (lines 1 and 5); keep one of them"]


def test_a_list_as_a_key_is_refused():
    assert errors("? [a, b]\n: 1\n") == ["f.yaml:1:3: a key must be a plain name, not a list or mapping; "
                                         "write the key as text"]


def test_merge_keys_fill_in_without_overriding():
    doc = compose_document("f.yaml", "base: &b {per: day, minutes: 30}\nquota:\n  <<: *b\n  minutes: 45\n")
    assert doc.data["quota"] == {"per": "day", "minutes": 45}
    assert doc.at(("quota", "minutes")).line == 4
    assert doc.at(("quota", "per")).line == 1


def test_marks_for_keys_and_values_of_nested_lists():
    doc = compose_document("f.yaml", "rules:\n  - name: a\n    sites:\n      - facebook\n      - x\n")
    assert (doc.at(("rules", 0, "sites", 1)).line, doc.at(("rules", 0, "sites", 1)).col) == (5, 9)
    assert doc.key_at(("rules", 0, "sites")).line == 3
    assert doc.at(("rules", 0, "sites", 7)).line == 4   # not written: the nearest parent's place
