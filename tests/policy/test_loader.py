"""Loading a folder or a file: which files count, stages that stop at errors, and policy.load."""
from __future__ import annotations

import os
from datetime import datetime

import pytest

import policy
from policy.loader import check_policy, load_doc, rule_files
from policy.problems import PolicyError
from tests.support.rule_files import HEADER, loaded, place, problems, write_rules

SITE = "categories: {c: {}}\nsites: {s: {category: c, domains: [s.example]}}\n"
RULE = "rules:\n  - {name: r, sites: [s], action: block}\n"


def test_every_yaml_file_directly_in_the_folder_and_nothing_else(tmp_path):
    folder = write_rules(tmp_path, b=HEADER, a=SITE)
    (folder / "c.yml").write_text(RULE)
    (folder / ".#a.yaml").write_text("editor lock file: not policy")
    (folder / "notes.txt").write_text("not policy")
    (folder / "tests").mkdir()
    (folder / "tests" / "cases.yaml").write_text("cases: []\n")
    assert [p.name for p in rule_files(folder)] == ["a.yaml", "b.yaml", "c.yml"]
    assert [rule.name for rule in loaded(folder).rules] == ["r"]


def test_one_file_is_a_policy_too(tmp_path):
    file = tmp_path / "policy.txt"
    file.write_text(HEADER + SITE + RULE)
    assert loaded(file).files == (str(file),)


def test_folder_problems(tmp_path):
    assert problems(tmp_path / "missing") == [f"{tmp_path / 'missing'}: no such file or folder; "
                                              "give the rules folder, or one rules file"]
    assert problems(tmp_path) == [f"{tmp_path}: holds no *.yaml files; "
                                  "put the policy in one or more .yaml files directly in this folder"]
    (tmp_path / "dir.yaml").mkdir()
    assert problems(tmp_path) == [f"{tmp_path / 'dir.yaml'}: is a folder, not a rules file; "
                                  "give the folder itself, or one *.yaml file in it"]


def test_syntax_and_shape_errors_of_all_files_come_together_and_stop_loading(tmp_path):
    folder = write_rules(tmp_path, a=HEADER + "rules:\n  - name: x\n    action: alow\n    sites: [nowhere]\n",
                         b="sites: {s: {category: [c]}\n")
    assert problems(folder) == [
        f"{place(folder / 'a.yaml', 'alow')}: invalid value 'alow' for 'action' of rule 'x'; "
        "did you mean 'allow'? (choices: allow, block, warn, quota, read-only)",
        f"{folder / 'b.yaml'}:2:1: YAML syntax error: expected ',' or '}}', but got '<stream end>'; "
        "separate items with ',' and close the bracket"]   # the unknown site waits until the shape is right


def test_merge_and_meaning_problems_come_together(tmp_path):
    folder = write_rules(tmp_path, a=HEADER + SITE, b=SITE.replace("c: {}", "d: {}") + RULE.replace("[s]", "[t]"))
    b = folder / "b.yaml"
    assert problems(folder) == [
        f"{place(b, 's: {cat')}: site 's' is defined twice (first at {place(folder / 'a.yaml', 's: {cat')}); "
        "rename or remove one of them",
        f"{place(b, 't]')}: unknown site 't' in rule 'r'; define it under 'sites:'"]


def test_check_policy_gives_errors_or_warnings(tmp_path):
    folder = write_rules(tmp_path, main=HEADER + SITE)
    doc, found = check_policy(folder)
    assert doc is not None and [p.severity for p in found] == ["warning"]
    (folder / "main.yaml").write_text("version: 3\n")
    doc, found = check_policy(folder)
    assert doc is None and [p.severity for p in found] == ["error"]


def test_policy_load_compiles_the_sample_rules():
    from tests.support.cli_run import RULES
    compiled = policy.load(RULES)
    decision = compiled.decide("emma.schulz", "https://www.facebook.com/", datetime(2026, 11, 26, 12, 15))
    assert decision.action == "allow"
    with pytest.raises(PolicyError):
        policy.load(RULES / "missing")
    assert load_doc(RULES).files == tuple(str(RULES / f) for f in sorted(os.listdir(RULES)) if f.endswith(".yaml"))
