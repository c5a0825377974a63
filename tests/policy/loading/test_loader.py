"""Loading a folder or a file: which files count, stages that stop at errors, and policy.load."""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

import policy
from policy.loading.loader import check_policy, load_doc, rule_files
from policy.loading.problems import PolicyError
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
    folder = write_rules(tmp_path, main=HEADER + SITE + "rules: []\n")
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


# Near-miss policies: the vocabulary of the language in random shapes. Whatever an admin writes,
# loading ends in a policy or in problems with places, never in another exception.
WORDS = st.sampled_from(["version", "timezone", "default", "categories", "sites", "groups", "networks",
                         "schedules", "rules", "name", "who", "sites", "when", "except", "action", "quota",
                         "minutes", "per", "warn", "remember", "adjustable", "min", "max", "message", "days",
                         "dates", "from", "to", "domains", "bundle", "category", "label", "internal",
                         "members", "managers", "include", "s", "c", "g", "lunch", "allow", "quota", "day"])
SCALARS = st.one_of(WORDS, st.sampled_from(["group:g", "category:c", "domain:x.example", "09:00", "24:00",
                                            "25:00", "mon-fri", "2026-12-24", "10.0.0.0/8", "Europe/Berlin",
                                            "CEST", "", "*.x", "everyone"]),
                    st.integers(-5, 2000), st.booleans(), st.none())
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(WORDS, inner, max_size=5)), max_leaves=25)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(WORDS, TREES, max_size=8))
def test_any_shape_loads_or_fails_with_problems(tmp_path, data):
    (tmp_path / "main.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        load_doc(tmp_path)
    except PolicyError as exc:
        assert exc.problems and all(p.file.startswith(str(tmp_path)) for p in exc.problems)


NAMES = st.sampled_from(["a", "b", "c"])
REFS = st.one_of(NAMES, NAMES.map("category:{}".format), NAMES.map("group:{}".format),
                 NAMES.map("network:{}".format), NAMES.map("user:{}".format), st.just("domain:a.example"),
                 st.just("everyone"), st.just("anonymous"))
WINDOWS = st.fixed_dictionaries({}, optional={
    "days": st.sampled_from(["mon-fri", "sat,sun", "daily", "fri-mon", [], "mon"]),
    "dates": st.lists(st.sampled_from(["2026-12-24", "2026-02-30"]), max_size=2),
    "from": st.sampled_from(["00:00", "09:00", "18:00", "24:00"]),
    "to": st.sampled_from(["00:00", "07:00", "09:00", "24:00"])})
RULES_ = st.lists(st.fixed_dictionaries(
    {"name": NAMES, "sites": st.lists(REFS, min_size=1, max_size=3),
     "action": st.sampled_from(["allow", "block", "warn", "quota", "read-only"])},
    optional={"who": st.lists(REFS, max_size=3), "when": st.lists(NAMES, max_size=2),
              "except": st.lists(NAMES, max_size=1), "quota": st.fixed_dictionaries({"minutes": st.integers(0, 100)}),
              "adjustable": st.fixed_dictionaries({}, optional={
                  "minutes": st.fixed_dictionaries({"min": st.integers(0, 50), "max": st.integers(0, 100)}),
                  "action": st.lists(st.sampled_from(["allow", "block", "quota"]), max_size=2),
                  "when": st.lists(NAMES, max_size=2)})}), max_size=6)
POLICIES = st.fixed_dictionaries({
    "version": st.just(1), "timezone": st.sampled_from(["Europe/Berlin", "UTC", "CEST"]),
    "categories": st.dictionaries(NAMES, st.fixed_dictionaries({}, optional={"internal": st.booleans()}),
                                  max_size=3),
    "sites": st.dictionaries(NAMES, st.fixed_dictionaries(
        {"category": NAMES},
        optional={"domains": st.lists(st.sampled_from(["a.example", "b.a.example", "c.example"]), max_size=2)}),
        max_size=3),
    "groups": st.dictionaries(NAMES, st.fixed_dictionaries({}, optional={
        "include": st.lists(NAMES, max_size=2), "members": st.lists(st.sampled_from(["x", "y"]), max_size=2)}),
        max_size=3),
    "networks": st.dictionaries(NAMES, st.lists(st.sampled_from(["10.0.0.0/8", "10.1.0.0/16"]), min_size=1,
                                                max_size=2), max_size=2),
    "schedules": st.dictionaries(NAMES, st.lists(WINDOWS, min_size=1, max_size=2), max_size=3),
    "rules": RULES_, "default": st.sampled_from(["allow", "block"])})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(POLICIES)
def test_any_well_shaped_policy_loads_lints_and_compiles_or_names_its_problems(tmp_path, data):
    (tmp_path / "main.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    doc, found = check_policy(tmp_path)
    if doc is None:
        assert found and all(p.is_error and p.line > 0 for p in found)
    else:
        assert all(not p.is_error for p in found)
        policy.load(tmp_path).decide("x", "https://b.a.example/", datetime(2026, 12, 24, 12, 0))
