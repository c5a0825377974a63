"""Which rules folder a command uses, and how a policy that does not load is reported."""
from __future__ import annotations

import argparse
from pathlib import Path

from cli import rules_folder
from tests.support.cli_run import RULES


def args_for(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    rules_folder.add_argument(parser)
    return parser.parse_args(argv)


def test_the_argument_wins_then_the_environment_then_dot_rules(monkeypatch):
    monkeypatch.setenv("WATERCOOLER_RULES", "/etc/watercooler/rules")
    assert rules_folder.folder(args_for("elsewhere")) == Path("elsewhere")
    assert rules_folder.folder(args_for()) == Path("/etc/watercooler/rules")
    monkeypatch.delenv("WATERCOOLER_RULES")
    assert rules_folder.folder(args_for()) == Path("rules")


def test_loading_the_sample_company():
    policy = rules_folder.load(args_for(str(RULES)), "explain")
    assert policy is not None and str(policy.timezone) == "Europe/Berlin"


def test_problems_are_printed_like_check_on_stderr(tmp_path, capsys):
    (tmp_path / "rules.yaml").write_text("version: 1\ntimezone: Europe/Berlin\nrules:\n"
                                         "  - name: x\n    sites: [nowhere]\n    action: allow\n")
    assert rules_folder.load(args_for(str(tmp_path)), "explain") is None
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'rules.yaml'}:5:13: unknown site 'nowhere'")
    assert lines[-1] == f"{tmp_path}: 1 error, 0 warnings"


def test_a_missing_folder_is_one_sentence(tmp_path, capsys):
    assert rules_folder.load(args_for(str(tmp_path / "gone")), "test") is None
    assert capsys.readouterr().err == (f"watercooler test: no rules folder at {tmp_path / 'gone'}; give the folder "
                                       "as an argument or set WATERCOOLER_RULES\n")
