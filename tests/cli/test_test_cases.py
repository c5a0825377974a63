"""`watercooler test`: PASS/FAIL per case with the difference, unexercised rules, the closing count."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.cli_run import RULES, watercooler


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the sample rules to break."""
    shutil.copytree(RULES, tmp_path / "rules")
    return tmp_path / "rules"


def test_the_sample_company_passes_and_exercises_every_rule():
    result = watercooler("test", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    cases = [line for line in lines if line.startswith(("PASS", "FAIL"))]
    assert len(cases) >= 40 and all(line.startswith("PASS  ") for line in cases)
    assert not any(line.startswith("Not exercised") for line in lines)
    assert lines[-1] == f"{len(cases)} passed, 0 failed"


def test_a_failing_case_shows_the_difference(rules):
    (rules / "tests" / "wrong.yaml").write_text("""cases:
  - name: lunch is blocked, says nobody
    user: alice.krueger
    url: https://www.facebook.com/
    at: 2026-11-26T12:15
    expect: {action: block, rule: social-budget}
""")
    result = watercooler("test", str(rules))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    at = lines.index(f"FAIL  lunch is blocked, says nobody  ({rules / 'tests' / 'wrong.yaml'}:2:5)")
    assert lines[at + 1].startswith("      expected block by rule social-budget, got allow by rule "
                                    "social-in-breaks (")
    assert re.fullmatch(r"\d+ passed, 1 failed", lines[-1])


def test_rules_no_case_exercises_are_listed(rules):
    for name in ("guests.yaml", "community.yaml"):
        (rules / "tests" / name).unlink()
    result = watercooler("test", str(rules))
    assert result.returncode == 0
    assert "Not exercised by any case: community-always-open, guests-no-social\n" in result.stdout


def test_a_mistake_in_a_case_file_is_an_error_with_its_place(rules):
    (rules / "tests" / "typo.yaml").write_text("cases:\n  - url: https://x.com/\n    at: 2026-11-26T12:15\n"
                                               "    expct: allow\n")
    result = watercooler("test", str(rules))
    assert result.returncode == 1
    typo = rules / "tests" / "typo.yaml"
    assert f"ERROR {typo}:2:5: this case has no `expect`; add `expect:` to the case\n" in result.stdout
    assert f"ERROR {typo}:4:5: unknown key `expct`; did you mean `expect`?\n" in result.stdout
    assert re.search(r"\n\d+ passed, 2 failed\n$", result.stdout)


def test_broken_rules_stop_before_any_case(rules):
    (rules / "people.yaml").write_text("groups:\n  staff:\n    include: [staff]\n")
    result = watercooler("test", str(rules))
    assert result.returncode == 1
    assert result.stdout == ""
    assert str(rules / "people.yaml") in result.stderr


def test_no_cases_at_all(rules):
    shutil.rmtree(rules / "tests")
    result = watercooler("test", str(rules))
    assert result.returncode == 1
    assert f"no test cases in {rules / 'tests'}" in result.stdout
    assert result.stdout.splitlines()[-2] == "0 passed, 0 failed"


def test_missing_folder(tmp_path):
    result = watercooler("test", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert result.stderr.startswith("watercooler test: no rules folder at ")
