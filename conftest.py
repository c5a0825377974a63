"""Collects the policy's own test cases (`rules/tests/*.yaml`), one item per case; shares tests/support's fixtures.

Only YAML files directly in a `tests` folder of a `rules` folder are collected; any other YAML in the
repository is left alone. A failing case shows the difference between expected and decided.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

# The shared fixtures (databases on SQLite and PostgreSQL, the headless browser, a real slapd) are found
# by name in every test module, so no test imports a fixture it then receives as a parameter of that name.
# They live in Watercooler's own tests/; a rules repository that copies this file runs its cases without them.
if (Path(__file__).parent / "tests" / "support").is_dir():
    pytest_plugins = ("tests.support.databases", "tests.support.browser", "tests.support.slapd")


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    folder = file_path.parent
    if file_path.suffix == ".yaml" and folder.name == "tests" and folder.parent.name == "rules":
        return PolicyCaseFile.from_parent(parent, path=file_path)
    return None


@cache
def _policy(rules: Path):
    import policy
    return policy.load(rules)


class PolicyCaseFile(pytest.File):
    def collect(self):
        from policy.cases import load_cases
        from policy.loading.problems import PolicyError

        try:
            policy = _policy(self.path.parent.parent)
            names = [rule.name for rule in policy.doc.rules]
            cases = load_cases(self.path, policy.timezone, names)
        except PolicyError as exc:
            raise CaseFileError(str(exc)) from None
        for case in cases:
            yield PolicyCase.from_parent(self, name=case.name, policy=policy, case=case)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFileError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


class PolicyCase(pytest.Item):
    def __init__(self, *, policy, case, **kwargs):
        super().__init__(**kwargs)
        self.policy, self.case = policy, case

    def runtest(self) -> None:
        from policy.cases import run_case
        result = run_case(self.policy, self.case)
        if not result.passed:
            raise CaseFailed(result.difference)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailed):
            return f"{self.case.source}: {self.case.name}\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.case.source.line - 1, f"policy case: {self.case.name}"


class CaseFailed(Exception):
    """A case decided differently from what it expects."""


class CaseFileError(Exception):
    """The rules or the case file cannot be loaded."""
