"""The shape of one rules file: each schema mismatch in words, at the line of the key or value."""
from __future__ import annotations

from policy.loading.structure import check_structure
from policy.loading.yamltree import compose_document


def problems(text: str, kind: str = "policy") -> list[str]:
    return [str(p) for p in check_structure(compose_document("main.yaml", text), kind)]


def test_a_correct_file_has_no_problems():
    assert problems("version: 1\nrules:\n  - {name: a, sites: [x], action: allow}\n") == []
    assert problems("") == []


def test_unknown_key_suggests_the_closest():
    text = "rules:\n  - name: social-budget\n    action: allow\n    sites_: [x]\n"
    assert problems(text) == [   # and not also "has no 'sites'": the suggestion says it
        "main.yaml:4:5: unknown key 'sites_' in rule 'social-budget'; did you mean 'sites'?"]
    assert problems(text.replace("sites_", "colour")) == [
        "main.yaml:2:5: rule 'social-budget' has no 'sites'; add 'sites:' (site names, category:NAME or domain:DOMAIN)",
        "main.yaml:4:5: unknown key 'colour' in rule 'social-budget'; valid keys here: name, who, sites, when, "
        "except, action, quota, warn, adjustable, message"]


def test_unknown_key_without_a_near_miss_lists_the_valid_ones():
    assert problems("categories:\n  c: {colour: red}\n") == [
        "main.yaml:2:7: unknown key 'colour' in category 'c'; valid keys here: label, internal"]
    assert problems("rule: []\n") == ["main.yaml:1:1: unknown key 'rule' at the top level; did you mean 'rules'?"]


def test_wrong_types_say_what_was_found():
    text = ("schedules:\n  lunch:\n    - {days: mon, from: 1200}\n"
            "rules:\n  - {name: a, sites: [x], action: quota, quota: {minutes: '30'}, when: lunch}\n")
    assert problems(text) == [
        "main.yaml:3:25: 'from' of window 1 of schedule 'lunch' must be text (found the number 1200); "
        "put the value in quotes",
        "main.yaml:5:59: 'quota.minutes' of rule 'a' must be a whole number (found text '30'); "
        "write a whole number without quotes or units",
        "main.yaml:5:72: 'when' of rule 'a' must be a list (found text 'lunch'); write it as a list: [lunch]"]


def test_the_file_itself_must_be_a_mapping():
    assert problems("- a\n- b\n") == ["main.yaml:1:1: the file must be a mapping of keys (found a list); "
                                      "write its keys indented below it, or as {key: value, ...}"]


def test_enums_list_the_allowed_values():
    assert problems("default: deny\nrules:\n  - {name: a, sites: [x], action: qouta}\n") == [
        "main.yaml:1:10: invalid value 'deny' for 'default'; use one of: allow, block",
        "main.yaml:3:35: invalid value 'qouta' for 'action' of rule 'a'; "
        "did you mean 'quota'? (choices: allow, block, warn, quota, read-only)"]
    assert problems("version: 2\n") == ["main.yaml:1:10: invalid value 2 for 'version'; use one of: 1"]


def test_patterns_explain_the_format():
    text = "schedules:\n  x:\n    - {dates: [2026-1-1], from: 9am}\n"
    assert problems(text) == [
        "main.yaml:3:16: invalid value '2026-1-1' for entry 1 of 'dates' of window 1 of schedule 'x'; "
        "write a date as YYYY-MM-DD, e.g. 2026-12-24",
        "main.yaml:3:33: invalid value '9am' for 'from' of window 1 of schedule 'x'; "
        "write a time of day as HH:MM, e.g. 09:00 or 17:30"]


def test_names_must_be_simple():
    assert problems("sites:\n  face book: {category: x}\n") == [
        "main.yaml:2:3: invalid name 'face book' in 'sites'; "
        "names use letters, digits, '.', '_' and '-', and start with a letter or digit"]


def test_empty_lists_and_out_of_range_numbers():
    text = "networks:\n  g: []\nrules:\n  - {name: a, sites: [], action: warn, warn: {remember: 0}}\n"
    assert problems(text) == [
        "main.yaml:2:6: network 'g' is empty; list at least one address range, e.g. [10.20.0.0/16]",
        "main.yaml:4:22: 'sites' of rule 'a' is empty; list at least one site name, category:NAME or domain:DOMAIN",
        "main.yaml:4:57: 'warn.remember' of rule 'a' is too small (found 0); use 1 or more"]


def test_a_rule_without_a_name_is_counted():
    assert problems("rules:\n  - {name: a, sites: [x], action: allow}\n  - {sites: [x], action: allow}\n") == [
        "main.yaml:3:5: rule 2 has no 'name'; add 'name:' (unique; shown in traces, the panel and the block page)"]


def test_case_files_have_their_own_schema():
    assert problems("cases:\n  - {url: x, at: '2026-01-01T12:00', expect: allow}\n", "cases") == []
    assert problems("cases:\n  - {url: x, at: '2026-01-01T12:00', expect: allow, user: a, usr: b}\n",
                    "cases")[0].startswith("main.yaml:2:62: unknown key 'usr' in case 1; did you mean 'user'?")
