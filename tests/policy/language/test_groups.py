"""Groups: members, managers, includes that exist, and include cycles named in full."""
from __future__ import annotations

from tests.support.rule_files import loaded, place, problems, with_header, write_rules


def test_groups_as_written(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        groups:
          marketing: {members: [alice, bob], managers: [carol]}
          staff: {include: [marketing], members: [dave, "user:erin"]}
        """))
    groups = loaded(folder).groups
    assert groups["marketing"].members == {"alice", "bob"} and groups["marketing"].managers == {"carol"}
    assert groups["staff"].include == ("marketing",) and groups["staff"].members == {"dave", "erin"}


def test_unknown_include_and_bad_user_names(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        groups:
          engineering: {members: [ada]}
          staff: {include: [enginering], members: ["dave smith"]}
        """))
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'enginering')}: group 'staff' includes unknown group 'enginering'; "
        "did you mean 'engineering'?",
        f"{place(main, '\"dave')}: invalid user name 'dave smith' in 'members'; "
        "write the user name as people log in, without spaces"]


def test_include_cycles_are_named_once_each(tmp_path):
    folder = write_rules(tmp_path, main=with_header("""
        groups:
          a: {include: [b]}
          b: {include: [c]}
          c: {include: [a, d]}
          d: {include: [d]}
          e: {include: [a]}
        """))
    main = folder / "main.yaml"
    assert problems(folder) == [
        f"{place(main, 'a:')}: group include cycle: a → b → c → a; remove one of these includes",
        f"{place(main, 'd:')}: group include cycle: d → d; remove one of these includes"]


def test_a_long_include_chain_is_fine(tmp_path):
    chain = "\n".join(f"  g{i}: {{include: [g{i + 1}]}}" for i in range(3000)) + "\n  g3000: {members: [x]}\n"
    folder = write_rules(tmp_path, main=with_header("groups:\n" + chain))
    assert loaded(folder).groups["g0"].include == ("g1",)
