"""The root conftest collects `rules/tests/*.yaml` as pytest items (one per case) and nothing else."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=project, capture_output=True, text=True, timeout=120)


def make_project(tmp_path: Path) -> Path:
    """A folder with the root conftest, a copy of the sample rules and some YAML that is not a case."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "rules", project / "rules")
    shutil.copy(ROOT / "conftest.py", project / "conftest.py")
    (project / "pytest.ini").write_text("[pytest]\n")
    (project / "other").mkdir()
    (project / "other" / "tests").mkdir()
    (project / "other" / "tests" / "notes.yaml").write_text("cases: [this is not collected]\n")
    return project


def test_one_item_per_case_and_only_rules_tests(tmp_path):
    project = make_project(tmp_path)
    cases = sum(path.read_text().count("\n  - name:") for path in (project / "rules" / "tests").glob("*.yaml"))
    listed = run_pytest(project, "--collect-only", "-q", "rules", "other")
    items = [line for line in listed.stdout.splitlines() if "::" in line]
    assert len(items) == cases, listed.stdout + listed.stderr
    assert all(line.startswith("rules/tests/") for line in items)
    assert "rules/tests/breaks.yaml::lunch is free" in items
    assert run_pytest(project, "rules").returncode == 0


def test_a_failing_case_shows_its_place_and_the_difference(tmp_path):
    project = make_project(tmp_path)
    (project / "rules" / "tests" / "wrong.yaml").write_text(
        "cases:\n  - name: lunch is blocked\n    user: alice.krueger\n    url: https://www.facebook.com/\n"
        "    at: 2026-11-26T12:15\n    expect: block\n")
    result = run_pytest(project, "rules/tests/wrong.yaml")
    assert result.returncode == 1
    assert "rules/tests/wrong.yaml:2:5: lunch is blocked\nexpected block, got allow by rule social-in-breaks" \
        in result.stdout.replace(str(project) + "/", "")
    assert "1 failed" in result.stdout


def test_a_broken_case_file_is_a_collection_error_with_its_place(tmp_path):
    project = make_project(tmp_path)
    (project / "rules" / "tests" / "typo.yaml").write_text("cases:\n  - {url: x.com, at: soon, expect: allow}\n")
    result = run_pytest(project, "rules/tests/typo.yaml")
    assert result.returncode == 2
    assert "typo.yaml:2:22: not a date and time: 'soon'" in result.stdout
    assert "Traceback" not in result.stdout
