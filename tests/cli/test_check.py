"""`watercooler check` as an admin runs it: every problem, a summary, the exit code, never a traceback."""
from __future__ import annotations

from tests.support.cli_run import ROOT, RULES, watercooler
from tests.support.rule_files import HEADER, place, write_rules

SITE = "categories: {c: {}}\nsites: {s: {category: c, domains: [s.example]}}\n"


def test_the_sample_rules_pass():
    result = watercooler("check", str(RULES))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith(f"{RULES}: 0 errors, 0 warnings (4 files, ")


def test_default_folder_is_rules_or_the_environment(tmp_path):
    assert watercooler("check", cwd=ROOT).stdout.startswith("rules: 0 errors")
    folder = write_rules(tmp_path / "elsewhere", main=HEADER + "sites: {s: {category: nope}}\n")
    result = watercooler("check", env={"WATERCOOLER_RULES": str(folder)})
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == f"{folder}: 1 error, 0 warnings"


def test_every_error_is_printed_with_its_place_and_fix(tmp_path):
    folder = write_rules(tmp_path, main=HEADER + SITE + """rules:
  - name: social-budget
    sites_: [s]
    sites: [s]
    action: quota
    quota: {minutes: 30, per: dya}
""", more="groups:\n  g: {include: [h]}\n  h: {include: [g]}\nschedules:\n  x: [{days: mon, to: '25:00'}]\n")
    main = folder / "main.yaml"
    result = watercooler("check", str(folder))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{place(main, 'sites_')}: unknown key 'sites_' in rule 'social-budget'; did you mean 'sites'?",
        f"{place(main, 'dya')}: invalid value 'dya' for 'quota.per' of rule 'social-budget'; "
        "did you mean 'day'? (choices: day, week)",
        f"{folder}: 2 errors, 0 warnings"]
    main.write_text(main.read_text().replace("    sites_: [s]\n", "").replace("dya", "day"))
    result = watercooler("check", str(folder))
    more = folder / "more.yaml"
    assert result.stdout.splitlines() == [
        f"{place(more, 'g: ')}: group include cycle: g → h → g; remove one of these includes",
        f"{place(more, chr(39) + '25')}: invalid time '25:00' in window 1 of schedule 'x'; "
        "hours run from 00 to 23 (24:00 only as 'to')",
        f"{folder}: 2 errors, 0 warnings"]


def test_warnings_pass_unless_strict(tmp_path):
    folder = write_rules(tmp_path,
                         main=HEADER + SITE + "rules:\n  - {name: r, sites: [domain:x.example], action: block}\n")
    result = watercooler("check", str(folder))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"{place(folder / 'main.yaml', 's: {cat')}: warning: site 's' is not used by any rule; "
        "name it or its category in a rule's sites, or remove it",
        f"{folder}: 0 errors, 1 warning (1 file, 1 site, 1 rule)"]
    assert watercooler("check", "--strict", str(folder)).returncode == 1


def test_bad_paths_are_sentences(tmp_path):
    result = watercooler("check", str(tmp_path / "missing"))
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        1, f"{tmp_path / 'missing'}: no such file or folder; give the rules folder, or one rules file")
    (tmp_path / "a.yaml").mkdir()
    result = watercooler("check", str(tmp_path))
    assert (result.returncode, result.stdout.splitlines()[0]) == (
        1, f"{tmp_path / 'a.yaml'}: is a folder, not a rules file; give the folder itself, or one *.yaml file in it")


def test_hostile_files_are_refused_without_harm(tmp_path):
    marker = tmp_path / "pwned"
    folder = write_rules(tmp_path / "r", a=f"x: !!python/object/apply:os.system ['touch {marker}']\n",
                         b="a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
                             f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
                             for i in range(9)))
    (folder / "c.yaml").write_bytes(b"version: 1\ntimezone: \xff\n")
    result = watercooler("check", str(folder), timeout=30)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and not marker.exists()
    assert lines[0].startswith(f"{folder / 'a.yaml'}:1:4: tag '!!python/object/apply:os.system' is not allowed")
    assert "aliases expand to more than 50000 values" in lines[1]
    assert lines[2] == f"{folder / 'c.yaml'}:2:11: not valid UTF-8 (byte 0xFF at offset 21); save the file as UTF-8"


def test_what_the_proxy_would_refuse_is_an_error_here_too(tmp_path):
    from policy.loading.loader import load_doc
    from policy.loading.manifest import manifest_path, record
    from policy.review.removals import inventory
    folder = write_rules(tmp_path / "rules", catalogue=HEADER + SITE,
                         rules="rules:\n  - {name: block-s, sites: [s], action: block}\n")
    record(manifest_path(tmp_path / "confdir"), folder, inventory(load_doc(folder)))   # as the proxy does
    (folder / "rules.yaml").write_text("")
    result = watercooler("check", str(folder), "--confdir", str(tmp_path / "confdir"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{folder}: no file has a 'rules:' list, so only the default would apply (was the file with the rules "
        "deleted or emptied?); restore it; if the default alone is meant, write 'rules: []' in one of the files",
        f"{folder / 'rules.yaml'}: lost 1 entry that the policy in force has: rule:block-s (cut short while being "
        "written?); restore them, or confirm with 'confirm-removal: [rule:block-s]'",
        f"{folder}: 2 errors, 0 warnings"]
    (folder / "rules.yaml").write_text("confirm-removal: [rule:block-s]\nrules: []\n")
    assert watercooler("check", str(folder), "--confdir", str(tmp_path / "confdir")).returncode == 0


def test_message_placeholders_are_checked_and_fixed_numbers_warned_about(tmp_path):
    folder = write_rules(tmp_path, main=HEADER + SITE + """rules:
  - name: budget
    sites: [s]
    action: quota
    quota: {minutes: 30, per: day}
    adjustable: {minutes: {min: 0, max: 60}}
    message: "{minuts} minutes a {per}"
""")
    main = folder / "main.yaml"
    result = watercooler("check", str(folder))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{place(main, '\"{minuts}')}: unknown placeholder {{minuts}} in the message of rule 'budget'; "
        "use one of {minutes}, {per}, {opens}, {site}, {budget}, or write {{ and }} for braces",
        f"{folder}: 1 error, 0 warnings"]
    main.write_text(main.read_text().replace('"{minuts} minutes a {per}"', "Thirty minutes a day"))
    warned = watercooler("check", str(folder))
    assert warned.returncode == 0
    assert warned.stdout.splitlines() == [
        f"{place(main, 'name: budget')}: warning: the message of rule 'budget' states a number, but managers "
        "can change its minutes, so it may not say what is enforced; write {minutes} where it says the "
        "minutes, e.g. 'message: {minutes} minutes a day'",
        f"{folder}: 0 errors, 1 warning (1 file, 1 site, 1 rule)"]
