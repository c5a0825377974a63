"""A rules folder is one policy: any file may hold any keys, but nothing may be defined twice."""
from __future__ import annotations

from tests.support.rule_files import HEADER, loaded, problems, write_rules


def test_files_merge_and_rules_keep_file_order(tmp_path):
    folder = write_rules(tmp_path, a_base=HEADER + "categories: {c: {}}\nsites: {s: {category: c, domains: [s.com]}}\n",
                         b_rules="rules:\n  - {name: first, sites: [s], action: allow}\n",
                         c_more="rules:\n  - {name: second, sites: [s], action: block}\ndefault: block\n")
    doc = loaded(folder)
    assert [rule.name for rule in doc.rules] == ["first", "second"]
    assert doc.default == "block"
    assert doc.files == tuple(str(folder / f) for f in ("a_base.yaml", "b_rules.yaml", "c_more.yaml"))


def test_a_name_defined_in_two_files_names_both_places(tmp_path):
    folder = write_rules(tmp_path, a=HEADER + "categories:\n  c: {}\nsites:\n  s: {category: c}\n",
                         b="sites:\n  t: {category: c}\n  s: {category: c}\ncategories:\n  c: {}\n")
    assert problems(folder) == [
        f"{folder}/b.yaml:3:3: site 's' is defined twice (first at {folder}/a.yaml:6:3); rename or remove one of them",
        f"{folder}/b.yaml:5:3: category 'c' is defined twice (first at {folder}/a.yaml:4:3); "
        "rename or remove one of them"]


def test_settings_given_twice(tmp_path):
    folder = write_rules(tmp_path, a=HEADER, b="\ntimezone: Europe/Paris\nversion: 1\n")
    assert problems(folder) == [
        f"{folder}/b.yaml:2:1: 'timezone' is set twice (first at {folder}/a.yaml:2:1); keep it in one file only",
        f"{folder}/b.yaml:3:1: 'version' is set twice (first at {folder}/a.yaml:1:1); keep it in one file only"]


def test_rule_names_are_unique_across_files(tmp_path):
    folder = write_rules(tmp_path, a=HEADER + "categories: {c: {}}\nsites: {s: {category: c}}\n"
                                              "rules:\n  - {name: r, sites: [s], action: allow}\n",
                         b="rules:\n  - name: r\n    sites: [s]\n    action: block\n")
    assert problems(folder) == [f"{folder}/b.yaml:2:11: rule name 'r' is used twice (first at {folder}/a.yaml:6:12); "
                                "give each rule its own name"]
