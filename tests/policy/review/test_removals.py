"""Losing a file or a named entry is refused unless confirmed; so is a policy with no `rules:` at all."""
from __future__ import annotations

from policy.loading.loader import check_policy, load_doc
from policy.review.removals import inventory, lost, no_rules, stale
from tests.support.rule_files import CATALOGUE, HEADER, write_rules

RULES = """
rules:
  - {name: no-facebook, sites: [facebook], action: block}
  - {name: linkedin-reading, sites: [linkedin], action: read-only}
"""


def split_folder(tmp_path):
    """The rules split as the docs show: settings and catalogue in one file, the rules in another."""
    return write_rules(tmp_path / "rules", catalogue=HEADER + CATALOGUE, rules=RULES)


def test_an_unchanged_or_grown_policy_lost_nothing(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    assert lost(before, load_doc(folder), str(folder)) == []
    (folder / "rules.yaml").write_text(RULES + "  - {name: forum-open, sites: [forum], action: allow}\n")
    assert lost(before, load_doc(folder), str(folder)) == []


def test_a_deleted_rules_file_is_named_with_what_it_held_and_the_fix(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    (folder / "rules.yaml").unlink()
    doc = load_doc(folder)                 # still a valid policy: that is the danger
    assert [str(p) for p in lost(before, doc, str(folder))] == [
        f"{folder / 'rules.yaml'}: is gone; it held 2 entries: rule:no-facebook, rule:linkedin-reading; "
        "restore it, or confirm with 'confirm-removal: [file:rules.yaml]' in another file"]
    assert [str(p) for p in no_rules(doc, str(folder))] == [
        f"{folder}: no file has a 'rules:' list, so only the default would apply (was the file with the rules "
        "deleted or emptied?); restore it; if the default alone is meant, write 'rules: []' in one of the files"]


def test_a_file_cut_short_names_the_entries_it_lost(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    (folder / "rules.yaml").write_text(RULES.split("  - {name: linkedin")[0])
    assert [str(p) for p in lost(before, load_doc(folder), str(folder))] == [
        f"{folder / 'rules.yaml'}: lost 1 entry that the policy in force has: rule:linkedin-reading (cut short "
        "while being written?); restore them, or confirm with 'confirm-removal: [rule:linkedin-reading]'"]


def test_moving_an_entry_to_another_file_is_no_loss(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    (folder / "rules.yaml").write_text(RULES.split("  - {name: linkedin")[0])
    (folder / "more.yaml").write_text("rules:\n  - {name: linkedin-reading, sites: [linkedin], action: read-only}\n")
    assert lost(before, load_doc(folder), str(folder)) == []


def test_confirm_removal_accepts_named_entries_and_whole_files(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    (folder / "rules.yaml").write_text("confirm-removal: [rule:linkedin-reading]\n" + RULES.split("  - {name: li")[0])
    assert lost(before, load_doc(folder), str(folder)) == []
    (folder / "rules.yaml").unlink()
    (folder / "own.yaml").write_text("confirm-removal: [file:rules.yaml]\nrules: []\n")
    doc = load_doc(folder)
    assert lost(before, doc, str(folder)) == [] and no_rules(doc, str(folder)) == []


def test_a_confirmation_naming_something_present_is_a_warning(tmp_path):
    folder = write_rules(tmp_path / "rules", catalogue=HEADER + CATALOGUE,
                         rules="confirm-removal: [rule:no-facebook, site:myspace]\n" + RULES)
    doc = load_doc(folder)
    assert [str(p) for p in stale(doc)] == [
        f"{folder / 'rules.yaml'}:1:1: warning: confirm-removal lists 'rule:no-facebook', which the policy has; "
        "remove the entry once the removal is in force"]


def test_check_reports_what_the_proxy_would_refuse(tmp_path):
    folder = split_folder(tmp_path)
    before = inventory(load_doc(folder))
    (folder / "rules.yaml").write_text("")
    doc, found = check_policy(folder, before)
    assert doc is None
    assert [p.file for p in found if p.is_error] == [str(folder), str(folder / "rules.yaml")]
    assert "no file has a 'rules:' list" in str(found[0]) and "lost 2 entries" in str(found[1])


def test_a_bad_confirmation_names_its_place_and_the_fix(tmp_path):
    folder = write_rules(tmp_path / "rules", main=HEADER + "confirm-removal: [linkedin]\nrules: []\n")
    doc, found = check_policy(folder)
    assert doc is None and "write KIND:NAME" in str(found[0]) and f"{folder / 'main.yaml'}:3:" in str(found[0])


def test_a_lost_unnamed_setting_is_a_loss_too(tmp_path):
    folder = write_rules(tmp_path / "rules", catalogue=HEADER + CATALOGUE + "unnamed: block\n", rules=RULES)
    before = inventory(load_doc(folder))
    (folder / "catalogue.yaml").write_text(HEADER + CATALOGUE)      # back to the looser default
    assert [str(p) for p in lost(before, load_doc(folder), str(folder))] == [
        f"{folder / 'catalogue.yaml'}: lost 1 entry that the policy in force has: setting:unnamed (cut short "
        "while being written?); restore them, or confirm with 'confirm-removal: [setting:unnamed]'"]
