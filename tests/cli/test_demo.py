"""`watercooler demo` (what `./dev run` starts): checks, tests and explains the sample company."""
from __future__ import annotations

import shutil

from tests.support.cli_run import ROOT, RULES, watercooler


def test_the_tour_of_the_sample_company():
    result = watercooler("demo", "--tour-only", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    assert "1. Checking the rules (watercooler check)\n   OK: 4 files, " in text
    assert "; 0 warnings\n" in text
    assert "zone Europe/Berlin" in text
    assert " passed, 0 failed\n" in text and "FAIL" not in text
    assert "-> blocked by social-budget: " in text
    assert "-> allowed by social-in-breaks: " in text
    assert "-> asked first (warning with Continue) by video-nudge: " in text
    assert "watercooler explain --user emma.schulz --url 'https://x.com/home' --at 2026-11-26T15:00 --used 30" in text


def test_the_tour_stops_on_broken_rules(tmp_path):
    shutil.copytree(RULES, tmp_path / "rules")
    (tmp_path / "rules" / "rules.yaml").write_text("rules:\n  - name: x\n    sites: [nowhere]\n    action: allow\n")
    result = watercooler("demo", "--tour-only", str(tmp_path / "rules"))
    assert result.returncode == 1
    assert "3. Three requests" not in result.stdout
    assert str(tmp_path / "rules" / "rules.yaml") + ":3:" in result.stderr


def test_the_tour_without_a_rules_folder(tmp_path):
    result = watercooler("demo", "--tour-only", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["rules: no such file or folder; give the rules folder, or one rules file",
                                          "rules: 1 error, 0 warnings"]
